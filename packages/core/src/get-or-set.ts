import type { CacheCore } from './cache-core.js';
import type { TagStamp } from './entry/entry-codec.js';
import { CacheUsageError } from './errors.js';
import { LoadContext, NestedContext } from './stampede/loader-context.js';
import { type ActiveLoad, enclosingLoad, runAsLoad } from './stampede/reentry.js';
import {
  type FlightTicket,
  type Loaded,
  NOT_SHARED,
  WAIT_TIMED_OUT,
  waitAtMost,
} from './stampede/single-flight.js';
import { toMilliseconds } from './time/duration.js';
import { INTERNAL_KEY_PREFIX, type Lock } from './types/backend.js';
import type { CacheSource } from './types/events.js';
import type { GetOrSetOptions, Loader } from './types/options.js';

/** A `getOrSet` call, its options resolved. */
interface Request<T> {
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

/**
 * Read-through with stampede protection: fresh hit → value; stale hit within grace → stale
 * value now and one background refresh; miss → one loader per key in this process (single
 * flight) and, on shared backends, one per fleet (distributed lock). A caller shares a load
 * only when its value is current (read after write); a `getOrSet` made from inside the loader
 * of its own key never waits for itself.
 */
export async function getOrSet<T>(
  core: CacheCore,
  key: string,
  loader: Loader<T>,
  options: GetOrSetOptions = {},
): Promise<T> {
  const fullKey = core.fullKey(key);
  if (typeof loader !== 'function')
    throw new CacheUsageError(`expected a function, got ${typeof loader}`, 'loader');
  const request: Request<T> = {
    key,
    fullKey,
    loader,
    tags: core.checkTags(options.tags),
    ttlMs: options.ttl === undefined ? core.settings.defaultTtlMs : toMilliseconds(options.ttl, 'ttl'),
    ttlGiven: options.ttl !== undefined,
    graceMs: options.grace === undefined ? 0 : toMilliseconds(options.grace, 'grace', true),
    inCaller: options.refresh === 'caller',
    source: options.source,
  };
  const epoch = core.flights.epoch;
  const acceptStale = request.graceMs > 0;
  // In-process hits (memory backend, L1) are answered without an await: one promise per call.
  const read =
    core.readNow(fullKey, 'getOrSet', acceptStale) ??
    (await core.readBackend(fullKey, 'getOrSet', acceptStale, request.tags));
  if (read.state === 'fresh') {
    core.hit(fullKey, false, request.source, read.from);
    return read.value as T;
  }
  if (read.state === 'stale') {
    core.hit(fullKey, true, request.source, read.from);
    if (request.inCaller) return refreshInCaller(core, request, read.value as T, epoch);
    return refreshInBackground(core, request, read.value as T);
  }
  core.miss(fullKey, request.source);
  return loadOnce(core, request, undefined, epoch);
}

/** Returns the stale value at once and refreshes it behind the caller's back (once per key). */
function refreshInBackground<T>(core: CacheCore, request: Request<T>, stale: T): T | Promise<T> {
  const { enabled, lockTtlMs } = core.settings.protection;
  if (enabled && core.flights.running(request.fullKey, lockTtlMs)) return reentered(core, request) ?? stale;
  loadOnce(core, request, { value: stale }, core.flights.epoch).catch((error: unknown) => {
    core.settings.logger.warn(
      { err: error, key: request.fullKey },
      'tagcache background refresh failed; the stale value stays',
    );
  });
  return stale;
}

/** The first caller reloads in the foreground; callers arriving meanwhile get the stale value. */
function refreshInCaller<T>(core: CacheCore, request: Request<T>, stale: T, epoch: number): Promise<T> {
  const { enabled, lockTtlMs } = core.settings.protection;
  if (enabled && core.flights.running(request.fullKey, lockTtlMs)) {
    return reentered(core, request) ?? Promise.resolve(stale);
  }
  return loadOnce(core, request, { value: stale }, epoch);
}

/**
 * The value of a call made from inside its own key's loader, loaded at once (see
 * {@link loadNested}); `undefined` for any other call. A refresh that re-entered would
 * otherwise hand its loader the stale value it is replacing.
 */
function reentered<T>(core: CacheCore, request: Request<T>): Promise<T> | undefined {
  const outer = enclosingLoad(core, request.fullKey);
  return outer === undefined ? undefined : loadNested(core, request, outer);
}

/**
 * One load per key in this process; callers arriving meanwhile share it (up to `maxWait`).
 * `refused` is a flight this caller joined whose value was not current: it is not joined again
 * (a new flight is started instead, which later callers share).
 */
async function loadOnce<T>(
  core: CacheCore,
  request: Request<T>,
  stale: { value: T } | undefined,
  epoch: number,
  refused?: Promise<unknown>,
): Promise<T> {
  const { enabled, lockTtlMs } = core.settings.protection;
  if (!enabled) return (await load(core, request, stale)).value;
  if (core.flights.running(request.fullKey, lockTtlMs)) return joinFlight(core, request, stale, refused);
  if (core.flights.epoch !== epoch) {
    // A flight settled after our read began: its value may be there now.
    const again = await core.read(request.fullKey, 'getOrSet', false, request.tags);
    if (again.state === 'fresh') return again.value as T;
    if (core.flights.running(request.fullKey, lockTtlMs)) return joinFlight(core, request, stale, refused);
  }
  return core.flights.start(request.fullKey, (ticket) => loadAcrossFleet(core, request, stale, ticket));
}

/**
 * Shares the running flight's value if it is current; otherwise (a write completed after that
 * flight read its tag versions) starts a flight of its own, which later callers share.
 */
async function joinFlight<T>(
  core: CacheCore,
  request: Request<T>,
  stale: { value: T } | undefined,
  refused: Promise<unknown> | undefined,
): Promise<T> {
  const nested = reentered(core, request);
  if (nested !== undefined) return nested;
  const { lockTtlMs, maxWaitMs } = core.settings.protection;
  const joined = core.flights.join<T>(request.fullKey, lockTtlMs);
  if (joined === undefined) return loadOnce(core, request, stale, core.flights.epoch, refused);
  if (joined === refused) {
    return core.flights.start(request.fullKey, (ticket) => loadAcrossFleet(core, request, stale, ticket));
  }
  core.stats.lockWaits++;
  const shared = await waitAtMost(joined, maxWaitMs);
  if (shared === WAIT_TIMED_OUT) return (await load(core, request, stale)).value;
  if (shared !== NOT_SHARED) return shared;
  return loadOnce(core, request, stale, core.flights.epoch, joined);
}

/**
 * A `getOrSet` for the key being loaded, from inside that load's own loader (an adapter
 * mounted twice on one service): waiting for the enclosing flight would wait for itself. Its
 * loader runs at once; its tags (their versions captured before it runs), TTL and `skipStore`
 * apply to the enclosing load, which stores the value once.
 */
async function loadNested<T>(core: CacheCore, request: Request<T>, outer: ActiveLoad): Promise<T> {
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
  return request.loader(new NestedContext<T>(request.key, outer.context));
}

/** On shared backends, takes the fleet-wide lock; waiters re-read the cache until `maxWait`. */
async function loadAcrossFleet<T>(
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
        if (again.state === 'fresh') return { value: again.value as T, basis: again.entry.tags };
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
    if (read.state === 'fresh') return { value: read.value as T, basis: read.entry.tags };
  }
}

/**
 * Runs the loader and stores its value with the tag versions captured before it ran (so an
 * invalidation during the load makes the stored value a miss). Loader errors propagate and
 * are never cached; with a stale value at hand, that value is served instead. Returns the
 * value with the versions it is current for (`undefined`: for this caller only).
 */
async function load<T>(
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
    value = await runAsLoad(core, request.fullKey, context as LoadContext<unknown>, () =>
      request.loader(context),
    );
    if (timed >= 0) loaded(core, request, timed, true);
  } catch (error) {
    if (timed >= 0) loaded(core, request, timed, false);
    if (stale === undefined) throw error;
    core.settings.logger.warn(
      { err: error, key: request.fullKey },
      'tagcache loader failed; serving the stale value',
    );
    return { value: stale.value, basis: undefined };
  } finally {
    if (renewal !== undefined) clearInterval(renewal);
  }

  // The tag store is down: nothing is known about versions, and nothing is stored.
  if (!captured.ok) return { value, basis: [] };
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
      return { value, basis: stamps };
    }
    if (late.value === undefined) return { value, basis: undefined }; // a tag changed during the load: do not store
    stamps = [...stamps, ...late.value];
  }
  if (context.skipped || ticket?.superseded) return { value, basis: stamps };
  const ttlMs = context.effectiveTtl(request.ttlMs);
  await core.store(request.fullKey, value, stamps, ttlMs, request.graceMs, 'getOrSet');
  return { value, basis: stamps };
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
