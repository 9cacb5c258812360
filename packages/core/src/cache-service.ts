import { CacheCore } from './cache-core.js';
import { resolveSettings } from './config/service-settings.js';
import { CacheUsageError, type LoaderError } from './errors.js';
import { getOrSet, getOrSetReport } from './get-or-set.js';
import { type InspectedEntry, inspectEntry } from './inspect.js';
import { escapePattern } from './keys/glob.js';
import { TypedEmitter } from './observability/emitter.js';
import { ReadObservers, registerReadObservers } from './observability/read-observers.js';
import { type CacheStats, emptyStats } from './observability/stats.js';
import { PurgeDispatcher } from './purge/purge-dispatcher.js';
import { resolvePurgeSettings } from './purge/purge-settings.js';
import type { TagHeaderFormat } from './purge/purger.js';
import { answerGet, GetAnswer } from './reads/get-answer.js';
import { hitNow } from './reads/hit-now.js';
import { ResilientBackend } from './resilience/resilient-backend.js';
import type { Serializer } from './serializers/serializer.js';
import { announceBusState } from './tiers/bus-events.js';
import { toMilliseconds } from './time/duration.js';
import type { CacheBackend } from './types/backend.js';
import type { CacheEventListener, CacheEvents } from './types/events.js';
import type {
  CacheHealth,
  CacheServiceOptions,
  GetOrSetOptions,
  HitNowOptions,
  InvalidateOptions,
  Loader,
  SetOptions,
  WrapOptions,
} from './types/options.js';
import type { GetOrSetReport } from './types/outcome.js';
import { wrapFunction } from './wrap/wrap.js';

/**
 * The cache. Reads return the value or a default, writes return `true` or `false`: a failing
 * backend is logged, counted and emitted as an `error` event, never thrown. Only programmer
 * errors (bad options, bad keys) throw, as {@link CacheUsageError}.
 *
 * @example
 * ```ts
 * const cache = new CacheService({ backend: new MemoryBackend(), defaultTtl: '5m' });
 * await cache.set('user:42', user, { tags: ['users'] });
 * const user = await cache.getOrSet('user:42', () => db.user(42), { ttl: 60, tags: ['users'] });
 * await cache.invalidateTags(['users']);
 * ```
 */
export class CacheService {
  /** The service's name (`'default'` unless set). */
  readonly name: string;
  readonly #core: CacheCore;
  readonly #events = new TypedEmitter<CacheEvents>();
  readonly #stats = emptyStats();
  /** Present only with `purgers`. */
  readonly #purges: PurgeDispatcher | undefined;
  #closed = false;

  constructor(options: CacheServiceOptions) {
    const settings = resolveSettings(options);
    const purge = resolvePurgeSettings(options.purgers, options.purge);
    this.name = settings.name;
    const reads = new ReadObservers();
    registerReadObservers(this, reads);
    this.#core = new CacheCore(settings, this.#stats, this.#events, reads);
    if (settings.bus !== undefined) announceBusState(settings.bus, this.#events, settings.logger, this.name);
    this.#purges =
      purge.purgers.length > 0 ? new PurgeDispatcher(purge, this.#events, settings.logger) : undefined;
  }

  /** The backend as the service uses it (wrapped in a {@link ResilientBackend} when resilience is on). */
  get backend(): CacheBackend {
    return this.#core.backend;
  }

  /**
   * The serializer entries are written with (the `serializer` option, or the default JSON one):
   * integrations probe it at start, e.g. whether a value type they return survives a round trip.
   */
  get serializer(): Serializer {
    return this.#core.settings.serializer;
  }

  /** The value at `key`, or `defaultValue` (`undefined`) on a miss or a backend failure. */
  get<T = unknown>(key: string): Promise<T | undefined>;
  get<T>(key: string, defaultValue: T): Promise<T>;
  get<T>(key: string, defaultValue?: T): Promise<T | undefined> {
    // One promise per call: in-process answers (memory backend, L1) come without an await, and
    // a batched Redis hit is answered from the reply's callback (see `reads/read-shared.ts`).
    try {
      const core = this.#core;
      const fullKey = core.fullKey(key);
      const read = core.readNow(fullKey, 'get', false);
      if (read !== undefined) return Promise.resolve(answerGet(core, fullKey, read, defaultValue));
      return core.readBackendThen(fullKey, 'get', false, new GetAnswer(core, fullKey, defaultValue));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * The value at `key` and its entry's facts, for diagnostics: counts no hit or miss, emits
   * no event, and keeps the entry's LRU place where the backend can peek (memory).
   * `undefined` when a read would miss. See {@link InspectedEntry}.
   */
  inspect(key: string): Promise<InspectedEntry | undefined> {
    return inspectEntry(this.#core, key);
  }

  /** Whether `key` holds a fresh value (tags and expiry considered). */
  async has(key: string): Promise<boolean> {
    const fullKey = this.#core.fullKey(key);
    const read =
      this.#core.readNow(fullKey, 'has', false) ?? (await this.#core.readBackend(fullKey, 'has', false));
    return read.state !== 'miss';
  }

  /**
   * Stores `value`. Returns `false` when it could not (unserializable or oversized value,
   * backend down); the reason is logged and emitted as an `error` event.
   */
  async set(key: string, value: unknown, options: SetOptions = {}): Promise<boolean> {
    const core = this.#core;
    const fullKey = core.fullKey(key);
    const tags = core.checkTags(options.tags);
    const ttlMs = options.ttl === undefined ? core.settings.defaultTtlMs : toMilliseconds(options.ttl, 'ttl');
    const graceMs = options.grace === undefined ? 0 : toMilliseconds(options.grace, 'grace', true);
    const stamps = await core.tags.capture(tags, Date.now() - core.settings.clockSkewMs);
    if (!stamps.ok) {
      core.fail(stamps.error, 'set', fullKey);
      return false;
    }
    const stored = await core.store(fullKey, value, stamps.value, ttlMs, graceMs, 'set');
    core.flights.supersede(fullKey); // a load that began before this write must not be shared or stored
    return stored;
  }

  /** Removes `key`; `true` when it existed. */
  async delete(key: string): Promise<boolean> {
    const fullKey = this.#core.fullKey(key);
    const started = this.#core.startCall();
    const deleted = await this.#core.backend.delete(fullKey);
    if (started >= 0) this.#core.endCall('delete', started, deleted.ok);
    this.#core.flights.supersede(fullKey); // a load that began before the delete must not be shared or stored
    this.#core.l1?.deleted([fullKey]);
    if (!deleted.ok) {
      this.#core.fail(deleted.error, 'delete', fullKey);
      return false;
    }
    this.#countDelete(fullKey, deleted.value ? 1 : 0);
    return deleted.value;
  }

  /**
   * Removes every key matching `pattern` (`*` any run, `?` one character, `\` escapes; build
   * patterns from user input with `escapePattern`). Returns the number removed, 0 on failure
   * (memcached cannot do this: `NOT_SUPPORTED`).
   */
  async deletePattern(pattern: string): Promise<number> {
    if (typeof pattern !== 'string' || pattern.length === 0) {
      throw new CacheUsageError('a pattern must be a non-empty string', 'pattern');
    }
    const full = escapePattern(this.#core.namespace) + pattern;
    const started = this.#core.startCall();
    const removed = await this.#core.backend.deletePattern(full);
    if (started >= 0) this.#core.endCall('deletePattern', started, removed.ok);
    this.#core.flights.supersedeAll();
    this.#core.l1?.deletedPattern(full);
    if (!removed.ok) {
      this.#core.fail(removed.error, 'deletePattern', full);
      return 0;
    }
    this.#countDelete(full, removed.value);
    return removed.value;
  }

  /**
   * Returns the cached value, or runs `loader` once (per key, per fleet on shared backends)
   * and caches what it returns. Tag versions are captured before the loader runs, so an
   * invalidation during the load makes the stored value a miss.
   */
  getOrSet<T>(key: string, loader: Loader<T>, options?: GetOrSetOptions): Promise<T> {
    return getOrSet(this.#core, key, loader, options);
  }

  /**
   * {@link getOrSet}, reporting how the value was obtained (`hit`, `stale`, `loaded`, `shared`,
   * `degraded`, `fallback`) and whether it was stored (else why not), for adapters that answer
   * differently in each case. A loader's error rejects as a {@link LoaderError} whose `cause`
   * is what the loader threw and whose `shared` says whether it was another caller's loader;
   * cache faults never reject.
   */
  getOrSetReport<T>(key: string, loader: Loader<T>, options?: GetOrSetOptions): Promise<GetOrSetReport<T>> {
    return getOrSetReport(this.#core, key, loader, options);
  }

  /**
   * A fresh hit this process can answer at once, synchronously: an entry of the memory backend
   * or of the L1 tier whose tags are current. Counted as a `getOrSet` hit (stats, metrics, the
   * `hit` event with `options.source`). `undefined` when the answer needs more (absent, stale,
   * held only by a shared backend, unreadable): then call {@link getOrSet} or
   * {@link getOrSetReport}, which counts the miss. For adapters whose hit path can stay
   * synchronous (the HTTP middleware, the Prisma extension).
   *
   * @example
   * ```ts
   * const report = cache.hitNow<Page>(key) ?? (await cache.getOrSetReport(key, load));
   * ```
   */
  hitNow<T>(key: string, options?: HitNowOptions): GetOrSetReport<T> | undefined {
    return hitNow(this.#core, key, options);
  }

  /**
   * Makes every entry tagged with any of `tags` a miss, in every process sharing the backend.
   * O(1) per tag, whatever the number of entries. `false` when the backend failed.
   *
   * With `purgers`, the tags are then queued for every purger (also when the backend failed:
   * the origin then answers uncached). It returns without waiting for the CDN, whose
   * failures go to `purge-error` events, never to the caller.
   *
   * `options.source` says who invalidates (metrics and the dashboard show it).
   */
  async invalidateTags(tags: readonly string[], options?: InvalidateOptions): Promise<boolean> {
    const checked = this.#core.checkTags(tags);
    if (checked.length === 0) return true;
    const started = this.#core.startCall();
    const versions = this.#core.tags.renew(checked);
    const done = await this.#core.tags.write(versions);
    // Also after a failure: some versions may have changed.
    this.#core.l1?.invalidated(versions);
    if (options?.purge !== false) this.#purges?.enqueue(checked);
    if (started >= 0) this.#core.endCall('invalidate', started, done.ok);
    if (!done.ok) {
      this.#core.fail(done.error, 'invalidateTags');
      return false;
    }
    this.#stats.invalidations += checked.length;
    this.#events.emit('invalidate', { tags: checked, source: options?.source });
    return true;
  }

  /**
   * The response header the first purger reads tags from (`xkey`, `Surrogate-Key`,
   * `Cache-Tag`), or `undefined` without purgers. The HTTP middleware sends it by default.
   */
  get tagHeader(): TagHeaderFormat | undefined {
    return this.#purges?.tagHeader;
  }

  /**
   * Resolves when every purge queued so far has been sent (retries included) or given up.
   * Second purges (`repurgeAfter`) still waiting their delay are not awaited; `close()` sends
   * them at once. Never rejects. For tests and orderly shutdown.
   */
  async settlePurges(): Promise<void> {
    await this.#purges?.settle();
  }

  /**
   * Wraps a function so that calls are cached by their arguments.
   * @example
   * ```ts
   * const getUser = cache.wrap(loadUser, { ttl: 60, tags: (id) => [`user:${id}`] });
   * ```
   */
  wrap<A extends unknown[], R>(
    fn: (...args: A) => R | Promise<R>,
    options: WrapOptions<A> = {},
  ): (...args: A) => Promise<R> {
    return wrapFunction(this, fn, options);
  }

  /**
   * Probes the backend. Never throws. The probe's outcome feeds the circuit breaker (an answer
   * closes it), so `healthy` and `circuit` never disagree; when unhealthy, `reason` says why.
   */
  async health(): Promise<CacheHealth> {
    const backend = this.#core.backend;
    const resilient = backend instanceof ResilientBackend ? backend : undefined;
    const probe = await backend.health();
    const base = {
      name: this.name,
      backend: backend.name,
      circuit: resilient?.circuit ?? 'closed',
      ...this.#tiers(),
    };
    const reason = resilient?.unhealthyReason();
    if (!probe.ok) {
      this.#core.fail(probe.error, 'health');
      return { ...base, healthy: false, error: probe.error, reason: reason ?? probe.error.message };
    }
    if (reason !== undefined) return { ...base, healthy: false, reason };
    const details = probe.value.details;
    return { ...base, healthy: true, latencyMs: probe.value.latencyMs, ...(details ? { details } : {}) };
  }

  /** The L1's and the bus's part of `health()`: nothing without an L1. */
  #tiers(): Pick<CacheHealth, 'bus' | 'l1'> {
    const { l1 } = this.#core;
    const bus = this.#core.settings.bus;
    if (l1 === undefined || bus === undefined) return {};
    return { bus: bus.connected ? 'connected' : 'disconnected', l1: { entries: l1.size, bytes: l1.bytes } };
  }

  /** A snapshot of the counters. */
  stats(): CacheStats {
    return { ...this.#stats };
  }

  /** Listens to an event; returns a function that stops listening. */
  on<E extends keyof CacheEvents>(event: E, listener: CacheEventListener<E>): () => void {
    return this.#events.on(event, listener);
  }

  /** Stops listening. */
  off<E extends keyof CacheEvents>(event: E, listener: CacheEventListener<E>): void {
    this.#events.off(event, listener);
  }

  /**
   * Closes the backend (once), after sending every queued purge (the waiting second purges
   * at once, retries included).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#purges?.close();
    await this.#core.l1?.close();
    const closed = await this.#core.backend.close();
    if (!closed.ok) this.#core.fail(closed.error, 'close');
  }

  #countDelete(key: string, count: number): void {
    this.#stats.deletes += count;
    if (count > 0) this.#events.emit('delete', { key });
  }
}
