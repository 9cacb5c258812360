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
}

/** An in-process LRU. */
export interface MemoryBackendConfig extends BackendConfigBase {
  readonly type: 'memory';
  readonly maxEntries?: number;
  readonly maxBytes?: number;
  readonly maxEntrySize?: number;
}

/** Redis or Redis Cluster through ioredis. */
export interface RedisBackendConfig extends BackendConfigBase {
  readonly type: 'redis';
  /** `redis://` or `rediss://` URL (single node). */
  readonly url?: string;
  /** Cluster seed nodes, `host:port` each. */
  readonly clusterNodes?: readonly string[];
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
