import type { RedisConnectionOptions } from '../backends/redis/redis-types.js';
import type { L1Options } from '../tiers/l1-settings.js';
import type { RedisBusOptions } from '../tiers/redis-bus.js';
import type { Duration } from '../time/duration.js';
import type { CacheServiceOptions, ResilienceOptions } from '../types/options.js';

/** Settings every backend entry may carry. */
export interface BackendConfigBase {
  /** Unique name; `caches.get(name)` returns its service. */
  readonly name: string;
  /** Exactly one backend is the default (`caches.get()`); a single backend is by itself. */
  readonly default?: boolean;
  /** TTL when a call gives none (every backend should have one, so nothing grows forever). Default 300 s. */
  readonly defaultTtl?: Duration;
  /** Key namespace of this backend's service. */
  readonly prefix?: string;
  /** Timeout and circuit breaker, or `false`. */
  readonly resilience?: ResilienceOptions | false;
  /**
   * An in-process tier in front of a shared backend (Redis, memcached): the `l1` option of
   * `CacheService`. Not for `memory` (in-process already).
   */
  readonly l1?: L1Options;
  /**
   * The Redis whose pub/sub keeps the L1 tiers of a fleet coherent: the `bus` option of
   * `CacheService`, as connection settings. Redis backends default to their own server;
   * memcached needs one.
   */
  readonly bus?: BusConfig;
}

/** The invalidation bus as config: where its Redis is, and the channel (no client object). */
export type BusConfig = Omit<RedisBusOptions, 'client'>;

/** An in-process LRU. */
export interface MemoryBackendConfig extends BackendConfigBase {
  readonly type: 'memory';
  readonly maxEntries?: number;
  readonly maxBytes?: number;
  readonly maxEntrySize?: number;
}

/**
 * Redis through ioredis: one node (`url`), a Cluster (`clusterNodes`) or a master found
 * through Sentinel (`sentinels` and `masterName`), with ACL credentials and TLS: the
 * connection options of `RedisBackend`.
 */
export interface RedisBackendConfig extends BackendConfigBase, Omit<RedisConnectionOptions, 'name'> {
  readonly type: 'redis';
  /**
   * The master group the sentinels watch (the `name` option of `RedisBackend`; `name` here is
   * the cache's).
   */
  readonly masterName?: string;
}

/** Memcached through memjs. */
export interface MemcachedBackendConfig extends BackendConfigBase {
  readonly type: 'memcached';
  /** `host:port`, comma-separated or as a list. */
  readonly servers: string | readonly string[];
}

/** One entry of `backends`. */
export type BackendConfig = MemoryBackendConfig | RedisBackendConfig | MemcachedBackendConfig;

/**
 * Settings shared by every service of the registry. The keys are the `CacheServiceOptions`
 * they set, with the same names and meanings (`protection: { enabled, lockTtl, maxWait }`,
 * `serializer`, ...).
 */
export type SharedServiceConfig = Pick<
  CacheServiceOptions,
  'protection' | 'serializer' | 'allowV8' | 'compress' | 'tagTtl' | 'logger' | 'purgers' | 'purge'
>;

/** The shape `createCaches` takes, and that `loadCachesConfig` reads from JSON or YAML. */
export interface CachesConfig {
  readonly backends: readonly BackendConfig[];
  readonly service?: SharedServiceConfig;
}
