import type { CacheCore } from './cache-core.js';
import type { TagStamp } from './entry/entry-codec.js';
import { CacheUsageError } from './errors.js';
import { WAIT_TIMED_OUT, waitAtMost } from './stampede/single-flight.js';
import type { Duration } from './time/duration.js';
import { toMilliseconds } from './time/duration.js';
import { INTERNAL_KEY_PREFIX, type Lock } from './types/backend.js';
import type { GetOrSetOptions, Loader, LoaderContext } from './types/options.js';

/** A `getOrSet` call, its options resolved. */
interface Request<T> {
  readonly key: string;
  readonly fullKey: string;
  readonly loader: Loader<T>;
  readonly tags: readonly string[];
  readonly ttlMs: number;
  readonly graceMs: number;
  /** Whether a stale value is reloaded by the caller (foreground) rather than in the background. */
  readonly inCaller: boolean;
}

/**
 * Read-through with stampede protection: fresh hit → value; stale hit within grace → stale
 * value now and one background refresh; miss → one loader per key in this process (single
 * flight) and, on shared backends, one per fleet (distributed lock).
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
    graceMs: options.grace === undefined ? 0 : toMilliseconds(options.grace, 'grace', true),
    inCaller: options.refresh === 'caller',
  };
  const epoch = core.flights.epoch;
  const read = await core.read(fullKey, 'getOrSet', request.graceMs > 0, request.tags);
  if (read.state === 'fresh') {
    core.hit(fullKey, false);
    return read.value as T;
  }
  if (read.state === 'stale') {
    core.hit(fullKey, true);
    if (request.inCaller) return refreshInCaller(core, request, read.value as T, epoch);
    refreshInBackground(core, request, read.value as T);
    return read.value as T;
  }
  core.miss(fullKey);
  return loadOnce(core, request, undefined, epoch);
}

function refreshInBackground<T>(core: CacheCore, request: Request<T>, stale: T): void {
  if (
    core.settings.protection.enabled &&
    core.flights.running(request.fullKey, core.settings.protection.lockTtlMs)
  ) {
    return;
  }
  loadOnce(core, request, { value: stale }, core.flights.epoch).catch((error: unknown) => {
    core.settings.logger.warn(
      { err: error, key: request.fullKey },
      'tagcache background refresh failed; the stale value stays',
    );
  });
}

/** The first caller reloads in the foreground; callers arriving meanwhile get the stale value. */
function refreshInCaller<T>(core: CacheCore, request: Request<T>, stale: T, epoch: number): Promise<T> {
  const { enabled, lockTtlMs } = core.settings.protection;
  if (enabled && core.flights.running(request.fullKey, lockTtlMs)) return Promise.resolve(stale);
  return loadOnce(core, request, { value: stale }, epoch);
}

/** One load per key in this process; callers arriving meanwhile share it (up to `maxWait`). */
async function loadOnce<T>(
  core: CacheCore,
  request: Request<T>,
  stale: { value: T } | undefined,
  epoch: number,
): Promise<T> {
  const { enabled, lockTtlMs, maxWaitMs } = core.settings.protection;
  if (!enabled) return load(core, request, stale);
  const running = core.flights.running<T>(request.fullKey, lockTtlMs);
  if (running !== undefined) {
    core.stats.lockWaits++;
    const shared = await waitAtMost(running, maxWaitMs);
    return shared === WAIT_TIMED_OUT ? load(core, request, stale) : shared;
  }
  if (core.flights.epoch !== epoch) {
    // A flight settled after our read began: its value may be there now.
    const again = await core.read(request.fullKey, 'getOrSet', false, request.tags);
    if (again.state === 'fresh') return again.value as T;
    const joined = core.flights.running<T>(request.fullKey, lockTtlMs);
    if (joined !== undefined) {
      core.stats.lockWaits++;
      return joined;
    }
  }
  return core.flights.start(request.fullKey, () => loadAcrossFleet(core, request, stale));
}

/** On shared backends, takes the fleet-wide lock; waiters re-read the cache until `maxWait`. */
async function loadAcrossFleet<T>(
  core: CacheCore,
  request: Request<T>,
  stale: { value: T } | undefined,
): Promise<T> {
  const locks = core.settings.locks;
  if (locks === undefined) return load(core, request, stale);
  const { lockTtlMs, maxWaitMs } = core.settings.protection;
  const lockKey = `${INTERNAL_KEY_PREFIX}l:${request.fullKey}`;
  const deadline = Date.now() + maxWaitMs;
  let waited = false;
  for (;;) {
    const acquired = await locks.acquire(lockKey, lockTtlMs);
    if (!acquired.ok) {
      // The lock store is down: a cache must never be why a request fails, so load anyway.
      core.fail(acquired.error, 'lock', request.fullKey);
      return load(core, request, stale);
    }
    const lock = acquired.value;
    if (lock !== undefined) {
      try {
        // Another process may have stored the value and released the lock since our read.
        const again = await core.read(request.fullKey, 'getOrSet', false, request.tags);
        if (again.state === 'fresh') return again.value as T;
        return await load(core, request, stale, lock);
      } finally {
        void lock.release();
      }
    }
    if (!waited) core.stats.lockWaits++;
    waited = true;
    const remaining = deadline - Date.now();
    if (remaining <= 0) return load(core, request, stale);
    await locks.waitForRelease(lockKey, remaining);
    const read = await core.read(request.fullKey, 'getOrSet', false, request.tags);
    if (read.state === 'fresh') return read.value as T;
  }
}

/**
 * Runs the loader and stores its value with the tag versions captured before it ran (so an
 * invalidation during the load makes the stored value a miss). Loader errors propagate and
 * are never cached; with a stale value at hand, that value is served instead.
 */
async function load<T>(
  core: CacheCore,
  request: Request<T>,
  stale: { value: T } | undefined,
  lock?: Lock,
): Promise<T> {
  const loadStartedAt = Date.now();
  // Versions this load creates are stamped as old as the skew allows: creating a missing version
  // is no invalidation, and must not stop a concurrent load with run-time tags from storing.
  const captured = await core.tags.capture(request.tags, loadStartedAt - core.settings.clockSkewMs);
  if (!captured.ok) core.fail(captured.error, 'getOrSet', request.fullKey);
  const background = stale !== undefined && !request.inCaller;
  const context = new Context<T>(request.key, stale?.value, background);
  core.stats.loads++;
  if (core.events.listens('load')) core.events.emit('load', { key: request.fullKey, background });

  const renewal = lock ? renewWhileLoading(lock, core.settings.protection.lockTtlMs) : undefined;
  let value: T;
  try {
    value = await request.loader(context);
  } catch (error) {
    if (stale === undefined) throw error;
    core.settings.logger.warn(
      { err: error, key: request.fullKey },
      'tagcache loader failed; serving the stale value',
    );
    return stale.value;
  } finally {
    if (renewal !== undefined) clearInterval(renewal);
  }

  if (!captured.ok || context.skipped) return value;
  let stamps: readonly TagStamp[] = captured.value;
  if (context.lateTags.length > 0) {
    const late = await core.tags.captureLate(
      core.checkTags(context.lateTags, 'addTags'),
      loadStartedAt,
      core.settings.clockSkewMs,
    );
    if (!late.ok) {
      core.fail(late.error, 'getOrSet', request.fullKey);
      return value;
    }
    if (late.value === undefined) return value; // a tag changed during the load: do not store
    stamps = [...stamps, ...late.value];
  }
  const ttlMs = context.ttl === undefined ? request.ttlMs : toMilliseconds(context.ttl, 'setTtl');
  await core.store(request.fullKey, value, stamps, ttlMs, request.graceMs, 'getOrSet');
  return value;
}

function renewWhileLoading(lock: Lock, lockTtlMs: number): ReturnType<typeof setInterval> {
  const timer = setInterval(() => void lock.extend(lockTtlMs), Math.max(10, Math.floor(lockTtlMs / 3)));
  timer.unref?.();
  return timer;
}

class Context<T> implements LoaderContext<T> {
  readonly lateTags: string[] = [];
  ttl: Duration | undefined;
  skipped = false;

  constructor(
    readonly key: string,
    readonly stale: T | undefined,
    readonly background: boolean,
  ) {}

  addTags(...tags: string[]): void {
    this.lateTags.push(...tags);
  }

  setTtl(ttl: Duration): void {
    toMilliseconds(ttl, 'setTtl');
    this.ttl = ttl;
  }

  skipStore(): void {
    this.skipped = true;
  }
}
