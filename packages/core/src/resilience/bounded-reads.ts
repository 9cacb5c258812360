import type { Result } from '../result.js';
import type { CacheBackend, TaggedRead } from '../types/backend.js';
import type { DeadlineQueue } from './deadline-queue.js';

/**
 * The resilience layer's terms for one call, handed to a backend that settles the call itself
 * (see {@link BoundedTaggedRead}): the deadline to track it by, and where its outcome goes.
 */
export interface CallBound {
  /** Where the call's deadline is tracked (its duration is the timeout). */
  readonly deadlines: DeadlineQueue;
  /** The answer of a call that timed out: a `TIMEOUT` failure, already counted by the breaker. */
  timedOut(key: string): Result<never>;
  /** Tells the breaker how a call went (once per call, for answers other than {@link timedOut}'s). */
  settled(result: Result<unknown>): void;
}

/**
 * A tagged read (`CacheBackend.getTagged`) that honours a {@link CallBound} itself: it answers
 * by the deadline (with `bound.timedOut`) and reports every other answer to `bound.settled`, so
 * the resilience layer adds no promise, closure or deadline entry of its own to the call. It
 * returns `undefined` when it cannot take the call this way: the caller then watches an
 * ordinary `getTagged`.
 */
export type BoundedTaggedRead = (
  key: string,
  tagKeyPrefix: string,
  tagHint: readonly string[] | undefined,
  bound: CallBound,
) => Promise<Result<TaggedRead | undefined>> | undefined;

const offered = new WeakMap<CacheBackend, BoundedTaggedRead>();

/**
 * Registers `backend`'s bounded tagged read (kept out of the public backend contract: it is
 * the built-in Redis backend's batched hit path, see `backends/redis/hinted-read.ts`).
 */
export function offerBoundedTaggedRead(backend: CacheBackend, read: BoundedTaggedRead): void {
  offered.set(backend, read);
}

/** The bounded tagged read `backend` offers, if any. */
export function boundedTaggedRead(backend: CacheBackend): BoundedTaggedRead | undefined {
  return offered.get(backend);
}
