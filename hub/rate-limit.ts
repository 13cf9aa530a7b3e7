/**
 * Token buckets per key (a contributor id, or a client address for pairing): `burst` requests at once,
 * refilled at `perMinute`. In memory, per hub process: a limit that protects one hub, not a quota.
 */
export interface RateLimit {
  burst: number;
  perMinute: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token; when none is left, says how many whole seconds until one is. */
  take(key: string): { ok: true } | { ok: false; retryAfterS: number } {
    const t = this.now();
    const rate = this.limit.perMinute / 60_000;
    const b = this.buckets.get(key) ?? { tokens: this.limit.burst, at: t };
    b.tokens = Math.min(this.limit.burst, b.tokens + (t - b.at) * rate);
    b.at = t;
    if (this.buckets.size > 10_000) this.prune(t, rate);
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000)) };
  }

  /** Forgets buckets that have refilled: they behave exactly like new ones. */
  private prune(t: number, rate: number): void {
    for (const [k, b] of this.buckets) if (b.tokens + (t - b.at) * rate >= this.limit.burst) this.buckets.delete(k);
  }
}
