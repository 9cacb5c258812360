export { RedisBackend, type RedisBackendOptions } from './redis-backend.js';
export { type RedisConnectionSettings, resolveRedisConnection } from './redis-connection.js';
export { redisErrorCode } from './redis-errors.js';
export { LOCK_RELEASED_CHANNEL, type RedisLockOptions, RedisLockProvider } from './redis-lock.js';
export type {
  RedisClient,
  RedisClientOptions,
  RedisConnectionOptions,
  RedisTlsOptions,
} from './redis-types.js';
