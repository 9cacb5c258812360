/**
 * `@tagcache/core/config`: caches described in a file. `loadCachesConfig` reads the shape
 * `createCaches` takes from JSON or YAML (YAML needs the optional peer dependency `yaml`);
 * `validateCachesConfig` checks one without building anything.
 * @packageDocumentation
 */

export type {
  BackendConfig,
  BackendConfigBase,
  CachesConfig,
  MemcachedBackendConfig,
  MemoryBackendConfig,
  RedisBackendConfig,
  SharedServiceConfig,
} from './config-types.js';
export { loadCachesConfig } from './load-config.js';
export { validateCachesConfig } from './validate-config.js';
