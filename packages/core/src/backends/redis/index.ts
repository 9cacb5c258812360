export { RedisBackend, type RedisBackendOptions } from './redis-backend.js';
export type { RedisClient, RedisConnectionOptions } from './redis-client.js';
export { redisErrorCode } from './redis-errors.js';
export { LOCK_RELEASED_CHANNEL, type RedisLockOptions, RedisLockProvider } from './redis-lock.js';
