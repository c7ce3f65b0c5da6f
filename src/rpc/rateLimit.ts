/**
 * Per-IP token buckets for the RPC: each address may make `ratePerSecond` calls per second on
 * average with bursts up to `burst`. Loopback is not exempt. The table of addresses is bounded:
 * past `maxTracked` entries, addresses whose bucket has refilled are forgotten, and if that is not
 * enough the oldest are.
 */

/** Default sustained calls per second per IP. */
export const DEFAULT_RATE_LIMIT_PER_SECOND = 5000;
/** Default burst per IP. */
export const DEFAULT_RATE_LIMIT_BURST = 10000;
/** Most addresses tracked at once. */
export const MAX_TRACKED_ADDRESSES = 10_000;

interface Bucket {
  tokens: number;
  last: number;
}

/** A per-key token bucket limiter. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly burst: number;

  /**
   * `ratePerSecond` 0 disables limiting; `burst` defaults to twice the rate. `now` returns
   * milliseconds (injectable for tests).
   */
  constructor(
    private readonly ratePerSecond: number,
    burst?: number,
    private readonly now: () => number = () => performance.now(),
    private readonly maxTracked = MAX_TRACKED_ADDRESSES,
  ) {
    this.burst = Math.max(1, burst ?? ratePerSecond * 2);
  }

  /** True when limiting is on. */
  get enabled(): boolean {
    return this.ratePerSecond > 0;
  }

  /** Take `cost` tokens for `key`; false (nothing taken) when there are not enough. */
  take(key: string, cost = 1): boolean {
    if (this.ratePerSecond <= 0) return true;
    const t = this.now();
    let b = this.buckets.get(key);
    if (b === undefined) {
      if (this.buckets.size >= this.maxTracked) this.evict(t);
      b = { tokens: this.burst, last: t };
    } else {
      b.tokens = Math.min(this.burst, b.tokens + ((t - b.last) * this.ratePerSecond) / 1000);
      b.last = t;
      this.buckets.delete(key); // re-insert: the map stays in least-recently-used order
    }
    this.buckets.set(key, b);
    if (b.tokens < cost) return false;
    b.tokens -= cost;
    return true;
  }

  /** Addresses currently tracked. */
  get size(): number {
    return this.buckets.size;
  }

  private evict(t: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((t - b.last) * this.ratePerSecond) / 1000 >= this.burst) this.buckets.delete(k);
    }
    while (this.buckets.size >= this.maxTracked) {
      const oldest = this.buckets.keys().next();
      if (oldest.done === true) break;
      this.buckets.delete(oldest.value);
    }
  }
}
