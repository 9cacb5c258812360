import type { CacheError } from '../errors.js';
import type { PurgeOptions } from '../purge/purge-settings.js';
import type { Purger } from '../purge/purger.js';
import type { CircuitState } from '../resilience/circuit-breaker.js';
import type { CompressionOptions } from '../serializers/compressing.js';
import type { SerializerOption } from '../serializers/resolve.js';
import type { BusState } from '../tiers/bus-contract.js';
import type { L1Options } from '../tiers/l1-settings.js';
import type { BusOption } from '../tiers/resolve-bus.js';
import type { Duration } from '../time/duration.js';
import type { CacheBackend } from './backend.js';
import type { CacheSource } from './events.js';
import type { CacheLogger } from './logger.js';

/** Stampede protection settings. */
export interface ProtectionOptions {
  /** Default `true`: concurrent `getOrSet` calls on one key run one loader. */
  readonly enabled?: boolean;
  /**
   * How long a load may hold the key's lock before others stop waiting for it and start
   * their own (the distributed lock is renewed while the loader runs). Default 30 s.
   */
  readonly lockTtl?: Duration;
  /** How long a caller waits for another's load before loading by itself. Default 10 s. */
  readonly maxWait?: Duration;
}

/** Timeout and circuit breaker for the backend. */
export interface ResilienceOptions {
  /** Longest a backend operation may take. Default 1 s. */
  readonly timeout?: Duration;
  /** Circuit breaker, or `false` for none. */
  readonly circuitBreaker?:
    | {
        /** Consecutive failures that open the circuit. Default 5. */
        readonly failureThreshold?: number;
        /** How long it stays open before one probe goes through. Default 10 s. */
        readonly cooldown?: Duration;
      }
    | false;
}

/** Options of a `CacheService`. */
export interface CacheServiceOptions {
  /** Where entries live. */
  readonly backend: CacheBackend;
  /** Name in logs, health reports and the registry. Default `'default'`. */
  readonly name?: string;
  /** TTL when a call gives none. Default 300 s. */
  readonly defaultTtl?: Duration;
  /** Namespace prepended to every key and tag. Default `''`. */
  readonly prefix?: string;
  /** Default `'json'`. */
  readonly serializer?: SerializerOption;
  /** Allows the `v8` serializer (off: it is unsafe for data another program wrote). */
  readonly allowV8?: boolean;
  /** Compress serialized values above a threshold (`true` = 1 KiB, deflate). */
  readonly compress?: CompressionOptions | boolean;
  /** Stampede protection. */
  readonly protection?: ProtectionOptions;
  /**
   * Timeout and circuit breaker around the backend. Default: on for shared (network)
   * backends, off for the in-process one. `false` turns it off.
   */
  readonly resilience?: ResilienceOptions | false;
  /** How long a tag's version is kept after its last invalidation or creation. Default 30 days. */
  readonly tagTtl?: Duration;
  /**
   * Tolerance for clocks that disagree between processes, used when a loader adds tags at
   * run time (see `LoaderContext.addTags`). Default 1 s.
   */
  readonly clockSkew?: Duration;
  /**
   * A pino-compatible logger. Default: silent, except that the first backend failure (and then
   * at most one a minute) is announced through `process.emitWarning`, naming the backend's host,
   * port and the cause; pass `silentLogger` to silence that too. With a logger, every failure
   * goes to `logger.error` (its message names the host, port and cause) and no warning is added.
   */
  readonly logger?: CacheLogger;
  /**
   * In-process backends only: every read of a stored value returns the same deserialized
   * object instead of a fresh copy. Several times faster on hits (no parsing), like lru-cache
   * or cache-manager's memory store, but a reader that mutates what it got changes it for
   * every later reader. Default `false` (each read gets its own copy, as from Redis).
   */
  readonly sharedValues?: boolean;
  /**
   * An in-process tier in front of a shared backend: reads check it, then the backend, and fill
   * it; writes go to the backend and to it. Its entries carry the tag versions they were stored
   * under, like the backend's, and the `bus` tells it what other instances changed. While the
   * bus is disconnected it is bypassed, and it is cleared when the bus reconnects.
   * `stats()` counts its hits apart (`l1Hits`, `l2Hits`).
   */
  readonly l1?: L1Options;
  /**
   * The bus that keeps the L1 tiers of a fleet coherent (only with `l1`): an `InvalidationBus`,
   * or Redis options (`{ url }`, `{ clusterNodes }`, `{ client }`) for a `RedisBus`. Default: the
   * backend's own (`RedisBackend`: the same server, its own subscriber connection); memcached
   * has none, so `l1` on memcached needs it. The service publishes its writes, deletes and
   * invalidations on it, and closes it in `close()`.
   */
  readonly bus?: BusOption;
  /**
   * CDNs and reverse proxies to purge after `invalidateTags` (`@tagcache/cdn` has
   * `varnishPurger`, `fastlyPurger`, `cloudflarePurger`). Purges run in the background:
   * `invalidateTags` never waits for them or fails because of them. Default none.
   */
  readonly purgers?: readonly Purger[];
  /** How purges are queued, retried and repeated. */
  readonly purge?: PurgeOptions;
}

/** Options of `set`. */
export interface SetOptions {
  /** Time to live; the service's `defaultTtl` when omitted. */
  readonly ttl?: Duration;
  /** Tags: `invalidateTags` on any of them makes this entry a miss. */
  readonly tags?: readonly string[];
  /** How long after `ttl` a stale value may still be served by `getOrSet` (SWR and stale-if-error). */
  readonly grace?: Duration;
}

/** Options of `getOrSet`. */
export interface GetOrSetOptions extends SetOptions {
  /**
   * Who reloads a stale value (one within `grace`). `'background'` (default): the caller gets
   * it at once and one reload runs behind its back. `'caller'`: the first caller reloads it in
   * the foreground (getting the stale value back if the loader throws) while callers arriving
   * meanwhile get the stale value. For loaders bound to their caller, such as an HTTP handler
   * that writes to the caller's response.
   */
  readonly refresh?: 'background' | 'caller';
  /** Who is calling, for metrics and the dashboard (carried by the `hit`, `miss`, `load` and `loaded` events). */
  readonly source?: CacheSource;
}

/** Options of `hitNow`. */
export interface HitNowOptions {
  /** Who is calling, for metrics and the dashboard (carried by the `hit` event). */
  readonly source?: CacheSource;
  /**
   * Hand out the decoded value this process keeps for the entry instead of the caller's own
   * copy (what the service option `sharedValues` does for every read). The caller must never
   * change it: it is what the next reader gets. It stays the same object while the entry does,
   * so work derived from it can be kept in a `WeakMap` keyed by it (the HTTP middleware keeps
   * the response it renders so). Default `false`.
   */
  readonly shared?: boolean;
}

/** Options of `invalidateTags`. */
export interface InvalidateOptions {
  /** Who invalidates, for metrics and the dashboard (carried by the `invalidate` event). */
  readonly source?: CacheSource;
  /**
   * Queue a CDN purge of these tags with the cache's purgers. Default `true`; `false` for tags
   * no CDN copy carries (the HTTP middleware's internal ones).
   */
  readonly purge?: boolean;
}

/** What a loader receives. */
export interface LoaderContext<T> {
  /** The key being loaded (without the service prefix). */
  readonly key: string;
  /** The stale value being refreshed, when there is one. */
  readonly stale: T | undefined;
  /** `true` for a background refresh (stale-while-revalidate); `false` when the caller reloads. */
  readonly background: boolean;
  /** Adds tags discovered while loading. They are checked for invalidations that raced the load. */
  addTags(...tags: string[]): void;
  /**
   * Overrides the TTL for this value. `0` stores it already stale: it is never a fresh hit, only
   * served within its grace (see `setGrace`) while a caller refreshes it, and not stored at all
   * without a grace.
   */
  setTtl(ttl: Duration): void;
  /**
   * Overrides the grace period for this value (how long it may be served stale after its TTL,
   * see `GetOrSetOptions.grace`); `0` for none. Read back only by calls that pass a `grace`.
   */
  setGrace(grace: Duration): void;
  /**
   * Returns the value to the caller (and to callers sharing this load) without storing it;
   * `detail` (why) is reported by `getOrSetReport` as `{ reason: 'skipped', detail }`.
   */
  skipStore(detail?: string): void;
  /**
   * Ends this load as a failure without throwing: nothing is stored, and the caller gets the
   * stale value (outcome `fallback`), which this returns for the loader to return. Only while
   * `stale` is defined (a `CacheUsageError` otherwise).
   */
  serveStale(): T;
  /**
   * Lets an error this loader throws reach the caller even with a stale value at hand (by
   * default a throwing loader is answered with the stale value). `serveStale()` still serves it.
   */
  noFallback(): void;
}

/** A loader for `getOrSet`. Its errors reach the caller and are never cached. */
export type Loader<T> = (context: LoaderContext<T>) => Promise<T> | T;

/** Options of `wrap` and `@Cached`. */
export interface WrapOptions<A extends readonly unknown[]> extends Omit<SetOptions, 'tags'> {
  /** Key for a call; default `<name>:<stable hash of the arguments>`. */
  readonly key?: (...args: A) => string;
  /** Key namespace of the default key; default the function's name (required for anonymous functions). */
  readonly name?: string;
  /** Tags, fixed or from the arguments. */
  readonly tags?: readonly string[] | ((...args: A) => readonly string[]);
}

/** The answer of `CacheService.health()`. */
export interface CacheHealth {
  /** The service's name. */
  readonly name: string;
  /** The backend's name. */
  readonly backend: string;
  readonly healthy: boolean;
  /** Probe round trip, when it answered. */
  readonly latencyMs?: number;
  /** The circuit breaker's state (`closed` whenever `healthy` is true). */
  readonly circuit: CircuitState;
  /** The probe's failure, when it failed. */
  readonly error?: CacheError;
  /**
   * Why the backend is unhealthy, when it is: the open circuit and its last failure, a client
   * that reports itself disconnected, or the failed probe. Never includes credentials.
   */
  readonly reason?: string;
  readonly details?: Readonly<Record<string, unknown>>;
  /** With `l1`: whether the bus is receiving (while `'disconnected'`, the L1 is bypassed). */
  readonly bus?: BusState;
  /** With `l1`: what the L1 holds now (within its `maxEntries` and `maxBytes`). */
  readonly l1?: { readonly entries: number; readonly bytes: number };
}
