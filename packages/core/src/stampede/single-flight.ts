interface Flight {
  readonly promise: Promise<unknown>;
  readonly startedAt: number;
}

/**
 * One in-flight load per key within a process. Callers that arrive while a load runs share
 * its promise. A flight older than `lockTtlMs` is presumed stuck and no longer joined, and a
 * caller that has waited `maxWaitMs` stops waiting (it then loads by itself).
 *
 * One instance per service (never module-global), so two caches never share flights.
 */
export class SingleFlight {
  readonly #flights = new Map<string, Flight>();
  #settled = 0;

  /**
   * Counts settled flights. A caller that read the cache before a flight settled may have
   * missed the value that flight stored: comparing epochs tells it to read once more.
   */
  get epoch(): number {
    return this.#settled;
  }

  /** Number of keys with a load in flight. */
  get size(): number {
    return this.#flights.size;
  }

  /** The running flight for `key`, if one is younger than `lockTtlMs`. */
  running<T>(key: string, lockTtlMs: number): Promise<T> | undefined {
    const flight = this.#flights.get(key);
    if (flight === undefined || Date.now() - flight.startedAt >= lockTtlMs) return undefined;
    return flight.promise as Promise<T>;
  }

  /** Starts `load` as the flight for `key`; it leaves the map when it settles. */
  start<T>(key: string, load: () => Promise<T>): Promise<T> {
    const promise = load();
    const flight: Flight = { promise, startedAt: Date.now() };
    this.#flights.set(key, flight);
    const leave = (): void => {
      this.#settled++;
      if (this.#flights.get(key) === flight) this.#flights.delete(key);
    };
    promise.then(leave, leave);
    return promise;
  }
}

/** Marks a wait that ran out of time. */
export const WAIT_TIMED_OUT: unique symbol = Symbol('tagcache.waitTimedOut');

/** `promise`'s outcome, or {@link WAIT_TIMED_OUT} after `ms`. */
export function waitAtMost<T>(promise: Promise<T>, ms: number): Promise<T | typeof WAIT_TIMED_OUT> {
  if (!Number.isFinite(ms)) return promise;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(WAIT_TIMED_OUT), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
