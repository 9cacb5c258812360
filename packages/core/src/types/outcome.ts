/**
 * How `getOrSetReport` obtained its value.
 * - `hit`: a fresh entry from the cache.
 * - `stale`: an expired entry within its grace period, served while one refresh runs (behind
 *   the caller, or in the caller that started it).
 * - `loaded`: this caller's loader ran (a miss, or this caller refreshed a stale entry).
 * - `shared`: another caller's concurrent load (or the entry it found) in this process; this
 *   caller got its own copy, unless the service's `sharedValues` is on.
 * - `degraded`: the cache could not be read (a backend fault, already logged and emitted), so
 *   this caller's loader ran.
 * - `fallback`: this caller's load failed (the loader threw, or called
 *   `LoaderContext.serveStale()`) and the stale entry was served in its place (stale-if-error).
 */
export type GetOrSetOutcome = 'hit' | 'stale' | 'loaded' | 'shared' | 'degraded' | 'fallback';

/**
 * Why a loaded value was not stored.
 * - `skipped`: the loader called `LoaderContext.skipStore()` (its `detail` says why).
 * - `failed`: the load failed and the stale entry was served instead.
 * - `superseded`: a `set`, `delete` or `deletePattern` of the key completed during the load.
 * - `tags-changed`: a tag the loader added at run time was invalidated during the load.
 * - `cache-error`: the tag store or the backend failed, or the value could not be serialized
 *   or was too large (logged and emitted as an `error` event).
 * - `nested`: a call made from inside the loader of its own key; the enclosing load stores.
 */
export type NotStoredReason = 'skipped' | 'failed' | 'superseded' | 'tags-changed' | 'cache-error' | 'nested';

/** A loaded value that was not stored, and why. */
export interface NotStored {
  readonly reason: NotStoredReason;
  /** For `skipped`: what the loader passed to `skipStore(detail)`, if anything. */
  readonly detail?: string;
}

/**
 * What `getOrSetReport` resolves to: the value, how it was obtained and whether it was stored.
 * Loader errors reject as a `LoaderError`; cache faults never reject (they are logged, counted
 * and emitted, and the loader runs instead).
 */
export interface GetOrSetReport<T> {
  /** The value, as `getOrSet` returns it. */
  readonly value: T;
  readonly outcome: GetOrSetOutcome;
  /**
   * `true` when the value is in the cache: found there (`hit`, `stale`) or stored by the load
   * that produced it (`loaded`, `degraded`, or the shared load for `shared`). Otherwise why not.
   */
  readonly stored: true | NotStored;
  /**
   * For `hit` and `stale` answered from the entry read: when that entry was written (ms since
   * the epoch, the writer's clock). Absent otherwise (the value was loaded now, or found by a
   * later read).
   */
  readonly storedAt?: number;
}
