export { RedisBackend, type RedisBackendOptions } from './redis-backend.js';
export { redisErrorCode } from './redis-errors.js';
export { LOCK_RELEASED_CHANNEL, type RedisLockOptions, RedisLockProvider } from './redis-lock.js';
export type { RedisClient, RedisClientOptions, RedisConnectionOptions } from './redis-types.js';
