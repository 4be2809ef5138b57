import type { Clock } from '../clock.js';

/**
 * Failed-login limits per account and per client address, in a sliding window. Kept in memory:
 * a restart forgets them, which costs an attacker a restart they cannot cause.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly rules = { perAccount: 5, perAddress: 20, windowMs: 15 * 60_000 },
  ) {}

  /** Seconds to wait before another attempt is allowed, or 0. */
  retryAfter(username: string, address: string): number {
    const now = this.clock.now().getTime();
    const wait = (key: string, limit: number) => {
      const times = this.recent(key, now);
      if (times.length < limit) return 0;
      return Math.ceil((times[times.length - limit]! + this.rules.windowMs - now) / 1000);
    };
    return Math.max(wait(`u:${username.toLowerCase()}`, this.rules.perAccount), wait(`a:${address}`, this.rules.perAddress));
  }

  fail(username: string, address: string): void {
    const now = this.clock.now().getTime();
    for (const key of [`u:${username.toLowerCase()}`, `a:${address}`]) {
      const times = this.recent(key, now);
      times.push(now);
      this.failures.set(key, times);
    }
    if (this.failures.size > 100_000) this.prune(now);
  }

  succeed(username: string): void {
    this.failures.delete(`u:${username.toLowerCase()}`);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => now - t < this.rules.windowMs);
  }

  private prune(now: number): void {
    for (const [key, times] of this.failures) if (!times.some((t) => now - t < this.rules.windowMs)) this.failures.delete(key);
  }
}
