import type { Clock } from '../clock.js';

/**
 * Failed logins slow the next attempt down instead of locking an account for a fixed time, so a
 * stranger who types the admin's name wrong on purpose cannot keep the only admin out:
 *  - per account and client address: after 5 failures in the window, each further attempt waits
 *    1, 2, 4 … seconds, up to 15 minutes — a guesser at one address gets a few dozen tries a day;
 *  - per account from all addresses: after 10 failures the wait doubles up to 30 seconds only,
 *    so the real owner at another desk is never kept out for long;
 *  - per address over all accounts (password spraying): after 50 failures, up to 60 seconds,
 *    so one person's typos do not lock out everyone behind the same NAT.
 * `contactbox users unlock NAME` (root) forgets an account's failures at once. Kept in memory:
 * a restart forgets them too, which costs an attacker a restart they cannot cause.
 */
export interface LimiterRules {
  windowMs: number;
  pair: { free: number; maxDelayMs: number };
  account: { free: number; maxDelayMs: number };
  address: { free: number; maxDelayMs: number };
}

export const defaultLimiterRules: LimiterRules = {
  windowMs: 15 * 60_000,
  pair: { free: 5, maxDelayMs: 15 * 60_000 },
  account: { free: 10, maxDelayMs: 30_000 },
  address: { free: 50, maxDelayMs: 60_000 },
};

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly rules: LimiterRules = defaultLimiterRules,
  ) {}

  /** Seconds to wait before another attempt is allowed, or 0. */
  retryAfter(username: string, address: string): number {
    const now = this.clock.now().getTime();
    const keys = this.keys(username, address);
    const wait = (key: string, rule: { free: number; maxDelayMs: number }) => {
      const times = this.recent(key, now);
      if (times.length < rule.free) return 0;
      const delay = Math.min(1000 * 2 ** (times.length - rule.free), rule.maxDelayMs);
      return Math.max(0, Math.ceil((times[times.length - 1]! + delay - now) / 1000));
    };
    return Math.max(wait(keys.pair, this.rules.pair), wait(keys.account, this.rules.account), wait(keys.address, this.rules.address));
  }

  fail(username: string, address: string): void {
    const now = this.clock.now().getTime();
    for (const key of Object.values(this.keys(username, address))) {
      const times = this.recent(key, now);
      times.push(now);
      this.failures.set(key, times);
    }
    if (this.failures.size > 100_000) this.prune(now);
  }

  succeed(username: string, address: string): void {
    const keys = this.keys(username, address);
    this.failures.delete(keys.pair);
    this.failures.delete(keys.account);
  }

  /** Forgets every failure of an account (root's `contactbox users unlock`); returns how many there were. */
  unlock(username: string): number {
    const name = username.toLowerCase();
    let forgotten = 0;
    for (const key of [...this.failures.keys()]) {
      if (key === `u:${name}` || key.startsWith(`p:${name}\u0000`)) {
        if (key === `u:${name}`) forgotten = this.failures.get(key)!.length;
        this.failures.delete(key);
      }
    }
    return forgotten;
  }

  private keys(username: string, address: string) {
    const name = username.toLowerCase();
    return { pair: `p:${name}\u0000${address}`, account: `u:${name}`, address: `a:${address}` };
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => now - t < this.rules.windowMs);
  }

  private prune(now: number): void {
    for (const [key, times] of this.failures) if (!times.some((t) => now - t < this.rules.windowMs)) this.failures.delete(key);
  }
}
