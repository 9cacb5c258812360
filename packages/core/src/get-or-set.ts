import type { CacheCore } from './cache-core.js';
import { CacheUsageError, LoaderError } from './errors.js';
import { copyForJoiner } from './stampede/joiner-copy.js';
import { load, loadAcrossFleet, loadNested, type Request } from './stampede/load.js';
import { enclosingLoad } from './stampede/reentry.js';
import { type Loaded, NOT_SHARED, WAIT_TIMED_OUT, waitAtMost } from './stampede/single-flight.js';
import { toMilliseconds } from './time/duration.js';
import type { GetOrSetOptions, Loader } from './types/options.js';
import type { GetOrSetReport } from './types/outcome.js';

/**
 * Read-through with stampede protection: fresh hit → value; stale hit within grace → stale
 * value now and one background refresh; miss → one loader per key in this process (single
 * flight) and, on shared backends, one per fleet (distributed lock). A caller shares a load
 * only when its value is current (read after write), and gets its own copy of it; a
 * `getOrSet` made from inside the loader of its own key never waits for itself. Loader errors
 * reach the caller as thrown.
 */
export function getOrSet<T>(
  core: CacheCore,
  key: string,
  loader: Loader<T>,
  options: GetOrSetOptions = {},
): Promise<T> {
  return obtain(core, key, loader, options, false) as Promise<T>;
}

/**
 * {@link getOrSet}, reporting how the value was obtained and whether it was stored. Loader
 * errors reject as a {@link LoaderError} (its `cause` is what the loader threw).
 */
export function getOrSetReport<T>(
  core: CacheCore,
  key: string,
  loader: Loader<T>,
  options: GetOrSetOptions = {},
): Promise<GetOrSetReport<T>> {
  return obtain(core, key, loader, options, true) as Promise<GetOrSetReport<T>>;
}

/** Both: the value alone (hits build no report) or its report. */
async function obtain<T>(
  core: CacheCore,
  key: string,
  loader: Loader<T>,
  options: GetOrSetOptions,
  report: boolean,
): Promise<T | GetOrSetReport<T>> {
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
    return report
      ? { value: read.value as T, outcome: 'hit', stored: true, storedAt: read.entry.createdAt }
      : (read.value as T);
  }
  let pending: GetOrSetReport<T> | Promise<GetOrSetReport<T>>;
  if (read.state === 'stale') {
    core.hit(fullKey, true, request.source, read.from);
    const stale = read.value as T;
    pending = request.inCaller
      ? refreshInCaller(core, request, stale, epoch)
      : refreshInBackground(core, request, stale);
  } else {
    core.miss(fullKey, request.source);
    pending = loadOnce(core, request, undefined, epoch);
  }
  let got: GetOrSetReport<T>;
  try {
    got = await pending;
  } catch (error) {
    throw !report && error instanceof LoaderError ? error.cause : error;
  }
  if (!report) return got.value;
  if (read.state === 'miss')
    return read.failed && got.outcome === 'loaded' ? { ...got, outcome: 'degraded' } : got;
  return got.outcome === 'stale' ? { ...got, storedAt: read.entry.createdAt } : got;
}

/** Returns the stale value at once and refreshes it behind the caller's back (once per key). */
function refreshInBackground<T>(
  core: CacheCore,
  request: Request<T>,
  stale: T,
): GetOrSetReport<T> | Promise<GetOrSetReport<T>> {
  const { enabled, lockTtlMs } = core.settings.protection;
  if (enabled && core.flights.running(request.fullKey, lockTtlMs))
    return reentered(core, request) ?? staleReport(stale);
  loadOnce(core, request, { value: stale }, core.flights.epoch).catch((error: unknown) => {
    core.settings.logger.warn(
      { err: error instanceof LoaderError ? error.cause : error, key: request.fullKey },
      'tagcache background refresh failed; the stale value stays',
    );
  });
  return staleReport(stale);
}

/** The first caller reloads in the foreground; callers arriving meanwhile get the stale value. */
function refreshInCaller<T>(
  core: CacheCore,
  request: Request<T>,
  stale: T,
  epoch: number,
): Promise<GetOrSetReport<T>> {
  const { enabled, lockTtlMs } = core.settings.protection;
  if (enabled && core.flights.running(request.fullKey, lockTtlMs)) {
    return reentered(core, request) ?? Promise.resolve(staleReport(stale));
  }
  return loadOnce(core, request, { value: stale }, epoch);
}

const staleReport = <T>(value: T): GetOrSetReport<T> => ({ value, outcome: 'stale', stored: true });

/** The report of the caller whose flight (or own load) produced `loaded`. */
const ownReport = <T>({ value, outcome, stored }: Loaded<T>): GetOrSetReport<T> => ({
  value,
  outcome,
  stored,
});

/**
 * The value of a call made from inside its own key's loader, loaded at once (see
 * {@link loadNested}); `undefined` for any other call. A refresh that re-entered would
 * otherwise hand its loader the stale value it is replacing.
 */
function reentered<T>(core: CacheCore, request: Request<T>): Promise<GetOrSetReport<T>> | undefined {
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
): Promise<GetOrSetReport<T>> {
  const { enabled, lockTtlMs } = core.settings.protection;
  if (!enabled) return ownReport(await load(core, request, stale));
  if (core.flights.running(request.fullKey, lockTtlMs)) return joinFlight(core, request, stale, refused);
  if (core.flights.epoch !== epoch) {
    // A flight settled after our read began: its value may be there now.
    const again = await core.read(request.fullKey, 'getOrSet', false, request.tags);
    if (again.state === 'fresh') return { value: again.value as T, outcome: 'hit', stored: true };
    if (core.flights.running(request.fullKey, lockTtlMs)) return joinFlight(core, request, stale, refused);
  }
  return startFlight(core, request, stale);
}

async function startFlight<T>(
  core: CacheCore,
  request: Request<T>,
  stale: { value: T } | undefined,
): Promise<GetOrSetReport<T>> {
  return ownReport(
    await core.flights.start(request.fullKey, (ticket) => loadAcrossFleet(core, request, stale, ticket)),
  );
}

/**
 * Shares the running flight's value if it is current (each joiner getting its own copy);
 * otherwise (a write completed after that flight read its tag versions) starts a flight of its
 * own, which later callers share.
 */
async function joinFlight<T>(
  core: CacheCore,
  request: Request<T>,
  stale: { value: T } | undefined,
  refused: Promise<unknown> | undefined,
): Promise<GetOrSetReport<T>> {
  const nested = reentered(core, request);
  if (nested !== undefined) return nested;
  const { lockTtlMs, maxWaitMs } = core.settings.protection;
  const joined = core.flights.join<T>(request.fullKey, lockTtlMs);
  if (joined === undefined) return loadOnce(core, request, stale, core.flights.epoch, refused);
  if (joined === refused) return startFlight(core, request, stale);
  core.stats.lockWaits++;
  let shared: Loaded<T> | typeof NOT_SHARED | typeof WAIT_TIMED_OUT;
  try {
    shared = await waitAtMost(joined, maxWaitMs);
  } catch (error) {
    throw error instanceof LoaderError ? new LoaderError(error.cause, true) : error;
  }
  if (shared === WAIT_TIMED_OUT) return ownReport(await load(core, request, stale));
  if (shared !== NOT_SHARED)
    return { value: copyForJoiner(core, shared), outcome: 'shared', stored: shared.stored };
  return loadOnce(core, request, stale, core.flights.epoch, joined);
}
