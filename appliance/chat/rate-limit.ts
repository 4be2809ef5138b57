/**
 * Token buckets keyed by a string (an IP address, a site): `take(key)` answers 0 when allowed,
 * else the seconds until one token is back. Idle buckets are forgotten so memory stays bounded.
 */
export interface RateRule {
  /** Tokens added per minute. */
  perMinute: number;
  /** Bucket size: how many may come at once. */
  burst: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly rule: RateRule, private readonly now: () => number = Date.now) {}

  take(key: string): number {
    const now = this.now();
    const rate = this.rule.perMinute / 60_000;
    const b = this.buckets.get(key) ?? { tokens: this.rule.burst, at: now };
    b.tokens = Math.min(this.rule.burst, b.tokens + (now - b.at) * rate);
    b.at = now;
    this.buckets.set(key, b);
    if (this.buckets.size > 50_000) this.sweep(now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000));
  }

  private sweep(now: number): void {
    const full = this.rule.burst / (this.rule.perMinute / 60_000);
    for (const [k, b] of this.buckets) if (now - b.at > full) this.buckets.delete(k);
  }
}
