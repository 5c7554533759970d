/**
 * Slows password guessing on the admin login: after MAX_FAILURES wrong passwords under one key
 * (the caller picks the keys: an email with a client address, an address alone) within the
 * window, further attempts under that key are refused with 429 until the window has passed.
 * A successful login clears its key. Counts live in memory: a restart resets them, which is
 * acceptable for a throttle (it is not an audit record).
 */
import type { Clock } from "../lib/clock.ts";
import { KestraError } from "../lib/errors.ts";

const MAX_FAILURES = 10;
const WINDOW_MS = 15 * 60 * 1000;
const MAX_TRACKED = 50_000;

interface Failures {
  count: number;
  firstAt: number;
}

export class LoginThrottle {
  readonly #failures = new Map<string, Failures>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Throws a 429 when any of the keys has used up its failures for the window. */
  check(keys: readonly string[]): void {
    const now = this.#clock.now();
    for (const key of keys) {
      const entry = this.#current(key, now);
      if (entry && entry.count >= MAX_FAILURES) {
        const retryAfterSeconds = Math.ceil((entry.firstAt + WINDOW_MS - now) / 1000);
        throw new KestraError("rate_limit_error", "too many failed logins; try again later", {
          retryAfterSeconds,
        });
      }
    }
  }

  recordFailure(keys: readonly string[]): void {
    const now = this.#clock.now();
    if (this.#failures.size > MAX_TRACKED) this.#failures.clear();
    for (const key of keys) {
      const entry = this.#current(key, now) ?? { count: 0, firstAt: now };
      entry.count += 1;
      this.#failures.set(key, entry);
    }
  }

  recordSuccess(key: string): void {
    this.#failures.delete(key);
  }

  #current(key: string, now: number): Failures | undefined {
    const entry = this.#failures.get(key);
    if (entry && now - entry.firstAt >= WINDOW_MS) {
      this.#failures.delete(key);
      return undefined;
    }
    return entry;
  }
}
