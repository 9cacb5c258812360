import type { TagStamp } from '../entry/entry-codec.js';
import type { NotStored } from '../types/outcome.js';

/**
 * What a flight produced: its value and the tag versions that value is known to be current
 * for (those captured before its loader ran, or those of the entry it read). `basis` is
 * `undefined` when the value may not be handed to anyone but the flight's own caller (a stale
 * value served after the loader failed, or a load during which one of its tags changed).
 */
export interface Loaded<T> {
  readonly value: T;
  readonly basis: readonly TagStamp[] | undefined;
  /** How the flight's own caller got it: its loader ran, it failed (stale served), or an entry was read. */
  readonly outcome: 'loaded' | 'fallback' | 'hit';
  /** Whether the value is in the cache (stored by this load, or read from there), else why not. */
  readonly stored: true | NotStored;
  /**
   * The value serialized (the bytes stored, else once by its first joiner), for every joiner to
   * deserialize its own copy from; `null` when it cannot be serialized (see `joiner-copy.ts`).
   */
  payload: Uint8Array | null | undefined;
}

/** Marks a flight whose value a joiner may not take: it must load for itself. */
export const NOT_SHARED: unique symbol = Symbol('tagcache.notShared');

/** Whether tag versions are still the current ones (`false` also when that cannot be known). */
export type BasisCheck = (basis: readonly TagStamp[]) => Promise<boolean>;

/** A running flight as its load sees it. */
export interface FlightTicket {
  /** Set when the key was written or deleted after the flight began: its value must not be stored. */
  superseded: boolean;
}

interface Flight {
  readonly promise: Promise<Loaded<unknown>>;
  readonly startedAt: number;
  readonly ticket: FlightTicket;
  /** The flight this one replaced in the map while it still ran (see `start`). */
  displaced: Flight | undefined;
  /** The joiners' shared view of `promise`: what it loaded once its basis is checked, or NOT_SHARED. */
  joined: Promise<unknown> | undefined;
}

/**
 * One in-flight load per key within a process. Callers that arrive while a load runs share
 * its value, but only once that value is known to be current: after it settles (and has left
 * the map, so nobody joins later), its basis is checked once against the current tag versions,
 * shared by every joiner. A write that completed before a caller joined therefore never
 * reaches that caller through an older load (read after write). Starting a flight and hits
 * pay nothing for this; the check runs once per flight that has joiners.
 *
 * A flight older than `lockTtlMs` is presumed stuck and no longer joined, and a caller that
 * has waited `maxWaitMs` stops waiting (it then loads by itself). One instance per service
 * (never module-global), so two caches never share flights.
 */
export class SingleFlight {
  readonly #flights = new Map<string, Flight>();
  readonly #isCurrent: BasisCheck;
  #settled = 0;

  constructor(isCurrent: BasisCheck) {
    this.#isCurrent = isCurrent;
  }

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

  /** Whether a flight younger than `lockTtlMs` runs for `key`. */
  running(key: string, lockTtlMs: number): boolean {
    return this.#current(key, lockTtlMs) !== undefined;
  }

  /**
   * Joins the running flight for `key` (younger than `lockTtlMs`), if any: its value, or
   * {@link NOT_SHARED} when that value may be older than a write that completed meanwhile.
   */
  join<T>(key: string, lockTtlMs: number): Promise<Loaded<T> | typeof NOT_SHARED> | undefined {
    const flight = this.#current(key, lockTtlMs);
    if (flight === undefined) return undefined;
    flight.joined ??= flight.promise.then(async (loaded) => {
      const basis = loaded.basis;
      if (basis === undefined) return NOT_SHARED;
      if (basis.length === 0 || (await this.#isCurrent(basis))) return loaded;
      return NOT_SHARED;
    });
    return flight.joined as Promise<Loaded<T> | typeof NOT_SHARED>;
  }

  /**
   * Starts `load` as the flight for `key`; it leaves the map when it settles. A flight still
   * running for `key` (one whose value a caller could not share) keeps running for those who
   * joined it, and is superseded along with the new one.
   */
  start<T>(key: string, load: (ticket: FlightTicket) => Promise<Loaded<T>>): Promise<Loaded<T>> {
    const ticket: FlightTicket = { superseded: false };
    const promise = load(ticket);
    const displaced = this.#flights.get(key);
    const flight: Flight = { promise, startedAt: Date.now(), ticket, displaced, joined: undefined };
    this.#flights.set(key, flight);
    // Registered first, so it runs before any joiner's check: nobody joins a settled flight.
    const leave = (): void => {
      this.#settled++;
      if (this.#flights.get(key) === flight) this.#flights.delete(key);
      flight.displaced = undefined;
    };
    promise.then(leave, leave);
    return promise;
  }

  /**
   * Call once a write or delete of `key` completed: the flight running for it loaded what
   * predates that write, so it is no longer offered to new callers and does not store its
   * value. Callers that joined before keep sharing it (their reads overlapped the write).
   */
  supersede(key: string): void {
    const flight = this.#flights.get(key);
    if (flight === undefined) return;
    this.#flights.delete(key);
    for (let f: Flight | undefined = flight; f !== undefined; f = f.displaced) f.ticket.superseded = true;
  }

  /** {@link supersede} for every running flight (keys were deleted by pattern). */
  supersedeAll(): void {
    for (const flight of this.#flights.values()) {
      for (let f: Flight | undefined = flight; f !== undefined; f = f.displaced) f.ticket.superseded = true;
    }
    this.#flights.clear();
  }

  #current(key: string, lockTtlMs: number): Flight | undefined {
    const flight = this.#flights.get(key);
    if (flight === undefined || Date.now() - flight.startedAt >= lockTtlMs) return undefined;
    return flight;
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
