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
 * What a read does with its answer before it settles the caller's promise: the caller's own
 * work (the service's decoding, tag check and hit counting), run inside the reply's callback,
 * so that a read costs one promise from the public call to the reply.
 */
export interface ReadContinuation<T, R> {
  /** The caller's answer from the read's (called once; a promise it returns is adopted). */
  resume(answer: T): R | PromiseLike<R>;
}

const AS_READ: ReadContinuation<unknown, unknown> = { resume: (answer) => answer };

/** A {@link ReadContinuation} that answers the read as it came (one shared object). */
export function asRead<T>(): ReadContinuation<T, T> {
  return AS_READ as ReadContinuation<T, T>;
}

/**
 * A tagged read (`CacheBackend.getTagged`) that hands its answer to a {@link ReadContinuation}
 * and settles one promise with what that returns. With a {@link CallBound} it also honours
 * the bound itself: it answers by the deadline (with `bound.timedOut`) and reports every
 * other answer to `bound.settled`, so the resilience layer adds no promise, closure or
 * deadline entry of its own to the call. It returns `undefined` when it cannot take the call
 * this way: the caller then uses an ordinary `getTagged`.
 */
export type BoundedTaggedRead = <R>(
  key: string,
  tagKeyPrefix: string,
  tagHint: readonly string[] | undefined,
  bound: CallBound | undefined,
  next: ReadContinuation<Result<TaggedRead | undefined>, R>,
) => Promise<R> | undefined;

const offered = new WeakMap<CacheBackend, BoundedTaggedRead>();

/**
 * Registers `backend`'s bounded tagged read (kept out of the public backend contract: it is
 * the built-in Redis backend's batched hit path, see `backends/redis/hinted-read.ts`, and the
 * resilience layer's pass-through to it).
 */
export function offerBoundedTaggedRead(backend: CacheBackend, read: BoundedTaggedRead): void {
  offered.set(backend, read);
}

/** The bounded tagged read `backend` offers, if any. */
export function boundedTaggedRead(backend: CacheBackend): BoundedTaggedRead | undefined {
  return offered.get(backend);
}
