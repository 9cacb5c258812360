import type { CacheCore } from '../cache-core.js';
import type { TagStamp } from '../entry/entry-codec.js';
import { LoaderError } from '../errors.js';
import { INTERNAL_KEY_PREFIX, type Lock } from '../types/backend.js';
import type { CacheSource } from '../types/events.js';
import type { Loader } from '../types/options.js';
import type { GetOrSetReport, NotStored } from '../types/outcome.js';
import { LoadContext, NestedContext } from './loader-context.js';
import { type ActiveLoad, runAsLoad } from './reentry.js';
import type { FlightTicket, Loaded } from './single-flight.js';

/** A `getOrSet` call, its options resolved. */
export interface Request<T> {
  readonly key: string;
  readonly fullKey: string;
  readonly loader: Loader<T>;
  readonly tags: readonly string[];
  readonly ttlMs: number;
  /** Whether the caller gave a `ttl` (a re-entrant load then caps its enclosing load's TTL). */
  readonly ttlGiven: boolean;
  readonly graceMs: number;
  /** Whether a stale value is reloaded by the caller (foreground) rather than in the background. */
  readonly inCaller: boolean;
  readonly source: CacheSource | undefined;
}

const notStored = (reason: NotStored['reason'], detail?: string): NotStored =>
  Object.freeze(detail === undefined ? { reason } : { reason, detail });
const FAILED = notStored('failed');
const SUPERSEDED = notStored('superseded');
const TAGS_CHANGED = notStored('tags-changed');
const CACHE_ERROR = notStored('cache-error');
const NESTED = notStored('nested');
const SKIPPED = notStored('skipped');
const NO_LIFETIME = notStored('skipped', 'no lifetime');

/** What a flight that read a current entry (rather than loading) hands its callers. */
export function readLoaded<T>(value: T, basis: readonly TagStamp[]): Loaded<T> {
  return { value, basis, outcome: 'hit', stored: true, payload: undefined };
}

/**
 * A `getOrSet` for the key being loaded, from inside that load's own loader (an adapter
 * mounted twice on one service): waiting for the enclosing flight would wait for itself. Its
 * loader runs at once; its tags (their versions captured before it runs), TTL and `skipStore`
 * apply to the enclosing load, which stores the value once.
 */
export async function loadNested<T>(
  core: CacheCore,
  request: Request<T>,
  outer: ActiveLoad,
): Promise<GetOrSetReport<T>> {
  if (request.tags.length > 0) {
    const captured = await core.tags.capture(request.tags, Date.now() - core.settings.clockSkewMs);
    if (captured.ok) outer.context.nestedStamps.push(...captured.value);
    else {
      core.fail(captured.error, 'getOrSet', request.fullKey);
      outer.context.skipStore(); // the entry could not carry this call's tags
    }
  }
  if (request.ttlGiven) outer.context.capTtl(request.ttlMs);
  core.stats.loads++;
  try {
    const value = await request.loader(new NestedContext<T>(request.key, outer.context));
    return { value, outcome: 'loaded', stored: NESTED };
  } catch (error) {
    throw new LoaderError(error, false);
  }
}

/** On shared backends, takes the fleet-wide lock; waiters re-read the cache until `maxWait`. */
export async function loadAcrossFleet<T>(
  core: CacheCore,
  request: Request<T>,
  stale: { value: T } | undefined,
  ticket: FlightTicket,
): Promise<Loaded<T>> {
  const locks = core.settings.locks;
  if (locks === undefined) return load(core, request, stale, ticket);
  const { lockTtlMs, maxWaitMs } = core.settings.protection;
  const lockKey = `${INTERNAL_KEY_PREFIX}l:${request.fullKey}`;
  const deadline = Date.now() + maxWaitMs;
  let waited = false;
  for (;;) {
    const acquired = await locks.acquire(lockKey, lockTtlMs);
    if (!acquired.ok) {
      // The lock store is down: a cache must never be why a request fails, so load anyway.
      core.fail(acquired.error, 'lock', request.fullKey);
      return load(core, request, stale, ticket);
    }
    const lock = acquired.value;
    if (lock !== undefined) {
      try {
        // Another process may have stored the value and released the lock since our read.
        const again = await core.read(request.fullKey, 'getOrSet', false, request.tags);
        if (again.state === 'fresh') return readLoaded(again.value as T, again.entry.tags);
        return await load(core, request, stale, ticket, lock);
      } finally {
        void lock.release();
      }
    }
    if (!waited) core.stats.lockWaits++;
    waited = true;
    const remaining = deadline - Date.now();
    if (remaining <= 0) return load(core, request, stale, ticket);
    await locks.waitForRelease(lockKey, remaining);
    const read = await core.read(request.fullKey, 'getOrSet', false, request.tags);
    if (read.state === 'fresh') return readLoaded(read.value as T, read.entry.tags);
  }
}

/**
 * Runs the loader and stores its value with the tag versions captured before it ran (so an
 * invalidation during the load makes the stored value a miss). Loader errors propagate as a
 * {@link LoaderError} and are never cached; with a stale value at hand, that value is served
 * instead (unless the loader called `noFallback()`), as it is after `serveStale()`. Returns the
 * value with the versions it is current for (`undefined`: for this caller only).
 */
export async function load<T>(
  core: CacheCore,
  request: Request<T>,
  stale: { value: T } | undefined,
  ticket?: FlightTicket,
  lock?: Lock,
): Promise<Loaded<T>> {
  const loadStartedAt = Date.now();
  // Versions this load creates are stamped as old as the skew allows: creating a missing version
  // is no invalidation, and must not stop a concurrent load with run-time tags from storing.
  const captured = await core.tags.capture(request.tags, loadStartedAt - core.settings.clockSkewMs);
  if (!captured.ok) core.fail(captured.error, 'getOrSet', request.fullKey);
  const background = stale !== undefined && !request.inCaller;
  const context = new LoadContext<T>(request.key, stale?.value, background);
  core.stats.loads++;
  if (core.events.listens('load'))
    core.events.emit('load', { key: request.fullKey, background, source: request.source });

  const renewal = lock ? renewWhileLoading(lock, core.settings.protection.lockTtlMs) : undefined;
  const timed = core.events.listens('loaded') ? performance.now() : -1;
  let value: T;
  try {
    // As a native promise, so that the load scope lasts until a loader's thenable settles.
    value = await runAsLoad(core, request.fullKey, context as LoadContext<unknown>, () =>
      Promise.resolve(request.loader(context)),
    );
    if (timed >= 0) loaded(core, request, timed, !context.failed);
  } catch (error) {
    if (timed >= 0) loaded(core, request, timed, false);
    if (stale === undefined || !context.fallback) throw new LoaderError(error, false);
    core.settings.logger.warn(
      { err: error, key: request.fullKey },
      'tagcache loader failed; serving the stale value',
    );
    return loadedAs(stale.value, undefined, FAILED, 'fallback');
  } finally {
    if (renewal !== undefined) clearInterval(renewal);
  }
  if (context.failed) return loadedAs(value, undefined, FAILED, 'fallback');

  // The tag store is down: nothing is known about versions, and nothing is stored.
  if (!captured.ok) return loadedAs(value, [], CACHE_ERROR);
  let stamps: readonly TagStamp[] =
    context.nestedStamps.length > 0 ? [...captured.value, ...context.nestedStamps] : captured.value;
  if (context.lateTags.length > 0) {
    const late = await core.tags.captureLate(
      core.checkTags(context.lateTags, 'addTags'),
      loadStartedAt,
      core.settings.clockSkewMs,
    );
    if (!late.ok) {
      core.fail(late.error, 'getOrSet', request.fullKey);
      return loadedAs(value, stamps, CACHE_ERROR);
    }
    // A tag changed during the load: do not store, nor share.
    if (late.value === undefined) return loadedAs(value, undefined, TAGS_CHANGED);
    stamps = [...stamps, ...late.value];
  }
  if (context.skipped) {
    const skipped =
      context.skipDetail === undefined ? SKIPPED : { reason: 'skipped' as const, detail: context.skipDetail };
    return loadedAs(value, stamps, skipped);
  }
  if (ticket?.superseded) return loadedAs(value, stamps, SUPERSEDED);
  const ttlMs = context.effectiveTtl(request.ttlMs);
  const graceMs = context.effectiveGrace(request.graceMs);
  // Born stale (`setTtl(0)`) without a grace: an entry no read could ever use.
  if (ttlMs <= 0 && graceMs <= 0) return loadedAs(value, stamps, NO_LIFETIME);
  const result = loadedAs(value, stamps, true);
  const stored = await core.store(request.fullKey, value, stamps, ttlMs, graceMs, 'getOrSet', result);
  return stored ? result : { ...result, stored: CACHE_ERROR };
}

function loadedAs<T>(
  value: T,
  basis: readonly TagStamp[] | undefined,
  stored: true | NotStored,
  outcome: 'loaded' | 'fallback' = 'loaded',
): Loaded<T> {
  return { value, basis, outcome, stored, payload: undefined };
}

function loaded<T>(core: CacheCore, request: Request<T>, started: number, ok: boolean): void {
  const durationMs = performance.now() - started;
  core.events.emit('loaded', { key: request.fullKey, durationMs, ok, source: request.source });
}

function renewWhileLoading(lock: Lock, lockTtlMs: number): ReturnType<typeof setInterval> {
  const timer = setInterval(() => void lock.extend(lockTtlMs), Math.max(10, Math.floor(lockTtlMs / 3)));
  timer.unref?.();
  return timer;
}
