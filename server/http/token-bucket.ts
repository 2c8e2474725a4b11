/**
 * A token-bucket store for @fastify/rate-limit (whose own store counts fixed windows). Each key has a bucket of
 * `max` tokens that refills continuously, the whole bucket in `timeWindow` ms; a request takes one token and is
 * over the limit when none is left. So a caller may send a burst of `max` requests at once and then keeps the
 * average rate, instead of spending a whole minute's budget in its first seconds, which is what would hurt the
 * other callers' latency.
 *
 * In the plugin's terms: `current` is the tokens used (max − left), so `remaining` is the tokens left; `ttl` is
 * the time until the bucket is full again, or, once it is empty, until the next token (Retry-After).
 * In memory, one process.
 */
import type { FastifyRateLimitStore } from '@fastify/rate-limit';

interface Bucket {
  tokens: number;
  atMs: number;
}

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** Keys kept at most; past that, full buckets (as good as absent) and then the least recently used go. */
const CAPACITY = 50_000;

export class TokenBucketStore implements FastifyRateLimitStore {
  readonly #buckets = new Map<string, Bucket>();
  readonly #now = () => performance.now();

  /** The bucket as it is now, refilled for the time since it was last touched. */
  #fill(key: string, max: number, timeWindow: number, now: number): Bucket {
    const bucket = this.#buckets.get(key);
    if (!bucket) return { tokens: max, atMs: now };
    const refill = timeWindow > 0 ? ((now - bucket.atMs) * max) / timeWindow : max;
    return { tokens: Math.min(max, bucket.tokens + refill), atMs: now };
  }

  #answer(bucket: Bucket, max: number, timeWindow: number, taken: boolean) {
    const perToken = max > 0 ? timeWindow / max : 0;
    if (!taken) return { current: max + 1, ttl: Math.ceil((1 - bucket.tokens) * perToken) };
    return { current: max - Math.floor(bucket.tokens), ttl: Math.ceil((max - bucket.tokens) * perToken) };
  }

  incr(key: string, callback: Callback, timeWindow: number, max: number): void {
    const now = this.#now();
    const bucket = this.#fill(key, max, timeWindow, now);
    const taken = bucket.tokens >= 1;
    if (taken) bucket.tokens -= 1;
    // Re-inserted, so the Map's order is the order of last use.
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > CAPACITY) this.#prune(now, timeWindow);
    callback(null, this.#answer(bucket, max, timeWindow, taken));
  }

  /** The state without taking a token (the plugin's `{ increment: false }`); empty: remaining 0. */
  read(key: string, callback: Callback, timeWindow: number, max: number): void {
    const bucket = this.#fill(key, max, timeWindow, this.#now());
    if (bucket.tokens >= 1) callback(null, this.#answer(bucket, max, timeWindow, true));
    else callback(null, { current: max, ttl: this.#answer(bucket, max, timeWindow, false).ttl });
  }

  child(): FastifyRateLimitStore {
    return new TokenBucketStore();
  }

  #prune(now: number, timeWindow: number): void {
    // Untouched for a whole refill time: full, the same as no bucket at all.
    for (const [key, bucket] of this.#buckets) {
      if (now - bucket.atMs < timeWindow) break;
      this.#buckets.delete(key);
    }
    for (const key of this.#buckets.keys()) {
      if (this.#buckets.size <= CAPACITY * 0.9) break;
      this.#buckets.delete(key);
    }
  }
}
