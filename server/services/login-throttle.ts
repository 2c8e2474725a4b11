/**
 * Throttles password guessing (docs/SECURITY.md): failed sign-ins are counted per (e-mail, client address)
 * and per client address. From the `maxFailures`-th failure on, that pair must wait before it may try again,
 * `lockMs` at first and twice as long after every further failure, up to `maxLockMs`; a success clears the
 * pair. The same from one address over all e-mails (credential stuffing) from `maxFailuresPerAddress` on.
 *
 * The account itself is never locked for every address: an attacker elsewhere cannot keep its owner out.
 * Counts live in this process's memory (one app server; several servers each count on their own) and are
 * forgotten `forgetMs` after the last failure. The wait is checked, and the attempt counted, before the
 * password is: a waiting caller costs no scrypt, a burst of parallel guesses cannot slip in before the first
 * one fails, and unknown e-mails are treated alike, so the answers tell nothing about which e-mails exist.
 */
import type { Clock } from '../clock.ts';

export interface LoginThrottleSettings {
  /** Failed sign-ins for one e-mail from one client address before it must wait (LOGIN_MAX_FAILURES). */
  maxFailures: number;
  /** Failed sign-ins from one client address, all e-mails together, before it must wait. */
  maxFailuresPerAddress: number;
  /** The first wait; it doubles with every further failure (LOGIN_LOCK_SECONDS). */
  lockMs: number;
  /** The longest wait (LOGIN_LOCK_MAX_SECONDS). */
  maxLockMs: number;
  /** Failures are forgotten this long after the last one (default: twice maxLockMs, so a caller that keeps
   * failing after the longest wait keeps waiting the longest instead of starting over). */
  forgetMs?: number;
  /** Entries kept at most; the oldest go first (default 100,000). */
  maxEntries?: number;
}

interface Entry {
  failures: number;
  firstFailureMs: number;
  lastFailureMs: number;
  /** lastFailureMs before the latest attempt was counted: what it goes back to when that attempt succeeds. */
  previousFailureMs: number;
  lockedUntilMs: number;
}

export class LoginThrottle {
  readonly #entries = new Map<string, Entry>();
  readonly #clock: Clock;
  readonly #settings: Required<LoginThrottleSettings>;

  constructor(clock: Clock, settings: LoginThrottleSettings) {
    this.#clock = clock;
    this.#settings = {
      forgetMs: 2 * settings.maxLockMs,
      maxEntries: 100_000,
      ...settings,
    };
  }

  /**
   * Before checking a password: the milliseconds this e-mail must still wait from this address, or 0 when it
   * may try now, and then the attempt is counted as a failure until `succeeded` says otherwise. Counting
   * first means that many attempts sent at once cannot all slip in before the first one fails.
   */
  attempt(emailKey: string, address: string): number {
    const now = this.#clock.now().getTime();
    const keys = this.#keys(emailKey, address);
    let wait = 0;
    for (const key of keys) {
      const entry = this.#entries.get(key);
      if (entry && entry.lockedUntilMs > now) wait = Math.max(wait, entry.lockedUntilMs - now);
    }
    if (wait > 0) return wait;
    this.#count(keys[0], this.#settings.maxFailures, now);
    this.#count(keys[1], this.#settings.maxFailuresPerAddress, now);
    return 0;
  }

  /**
   * The password was right: the pair starts over, and the address's count loses this attempt, with the wait
   * and the time that counting it set. The attempt was let through, so the address was not waiting before it:
   * a wait now is this attempt's own doing (any attempt counted after it was refused by that wait). Otherwise
   * every right password from an address that once had to wait (a shared office) would start the next,
   * longer wait for everyone behind it, and sign-ins would keep its old failures from being forgotten.
   */
  succeeded(emailKey: string, address: string): void {
    const [pair, perAddress] = this.#keys(emailKey, address);
    this.#entries.delete(pair);
    const entry = this.#entries.get(perAddress);
    if (!entry) return;
    entry.failures -= 1;
    entry.lockedUntilMs = 0;
    entry.lastFailureMs = Math.max(entry.previousFailureMs, entry.firstFailureMs);
    if (entry.failures <= 0) this.#entries.delete(perAddress);
  }

  #keys(emailKey: string, address: string): [string, string] {
    return [`${address}\n${emailKey}`, address];
  }

  #count(key: string, threshold: number, now: number): void {
    if (threshold <= 0) return;
    const { lockMs, maxLockMs, forgetMs } = this.#settings;
    const old = this.#entries.get(key);
    // Start over after a quiet `forgetMs`, and also when failures trickle in below the threshold for longer
    // than that (a shared office address with the odd typo never adds up to a lock).
    const fresh =
      !old ||
      now - old.lastFailureMs > forgetMs ||
      (old.failures < threshold && now - old.firstFailureMs > forgetMs);
    const entry: Entry = fresh
      ? { failures: 0, firstFailureMs: now, lastFailureMs: now, previousFailureMs: now, lockedUntilMs: 0 }
      : (old as Entry);
    entry.failures += 1;
    entry.previousFailureMs = entry.lastFailureMs;
    entry.lastFailureMs = now;
    if (entry.failures >= threshold) {
      const doublings = Math.min(entry.failures - threshold, 30);
      entry.lockedUntilMs = now + Math.min(lockMs * 2 ** doublings, maxLockMs);
    }
    // Re-inserting moves the key to the end: the Map's order is then the order of last failure.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    this.#prune(now);
  }

  #prune(now: number): void {
    const { maxEntries, forgetMs } = this.#settings;
    if (this.#entries.size <= maxEntries) return;
    // Forgotten entries first, then whatever failed longest ago (the Map's order).
    for (const [key, entry] of this.#entries) {
      if (now - entry.lastFailureMs > forgetMs) this.#entries.delete(key);
    }
    // Down to 90 %, so a full throttle does not scan on every failure.
    for (const key of this.#entries.keys()) {
      if (this.#entries.size <= maxEntries * 0.9) break;
      this.#entries.delete(key);
    }
  }
}
