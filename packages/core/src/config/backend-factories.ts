import { MemcachedBackend } from '../backends/memcached/memcached-backend.js';
import { MemoryBackend } from '../backends/memory.js';
import { RedisBackend } from '../backends/redis/redis-backend.js';
import type { RedisConnectionOptions } from '../backends/redis/redis-types.js';
import { CacheUsageError } from '../errors.js';
import type { CacheBackend } from '../types/backend.js';
import type { BackendConfig, RedisBackendConfig } from './config-types.js';

/** Builds a backend from its config entry. */
export type BackendFactory = (config: BackendConfig) => CacheBackend;

/**
 * Backend builders by `type`. Network backends register themselves here from their own
 * modules, so the core never loads a client library a user did not ask for.
 */
export const backendFactories = new Map<BackendConfig['type'], BackendFactory>([
  [
    'memory',
    (config) => {
      if (config.type !== 'memory') throw new TypeError('memory factory got another type');
      const { maxEntries, maxBytes, maxEntrySize } = config;
      return new MemoryBackend({
        ...(maxEntries !== undefined && { maxEntries }),
        ...(maxBytes !== undefined && { maxBytes }),
        ...(maxEntrySize !== undefined && { maxEntrySize }),
      });
    },
  ],
  [
    // ioredis is loaded when the backend first connects, not when this module is.
    'redis',
    (config) => {
      if (config.type !== 'redis') throw new TypeError('redis factory got another type');
      return new RedisBackend(redisConnection(config));
    },
  ],
  [
    // memjs is loaded when the backend first connects, not when this module is.
    'memcached',
    (config) => {
      if (config.type !== 'memcached') throw new TypeError('memcached factory got another type');
      return new MemcachedBackend({ servers: config.servers });
    },
  ],
]);

/** The `RedisBackend` connection options of a Redis config entry (`masterName` is their `name`). */
export function redisConnection(config: RedisBackendConfig): RedisConnectionOptions {
  const {
    name: _cache,
    type: _type,
    default: _default,
    defaultTtl: _ttl,
    prefix: _prefix,
    resilience: _resilience,
    l1: _l1,
    bus: _bus,
    masterName,
    ...connection
  } = config;
  return masterName === undefined ? connection : { ...connection, name: masterName };
}

/** Builds the backend for a config entry, or says which type is not available. */
export function createBackend(config: BackendConfig, field: string): CacheBackend {
  const factory = backendFactories.get(config.type);
  if (factory === undefined)
    throw new CacheUsageError(`backend type '${config.type}' is not available`, `${field}.type`);
  return factory(config);
}
