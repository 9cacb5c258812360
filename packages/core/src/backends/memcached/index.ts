export { MemcachedBackend, type MemcachedBackendOptions } from './memcached-backend.js';
export type { MemjsClient } from './memcached-client.js';
export { memcachedExpiry, memcachedKey } from './memcached-keys.js';
