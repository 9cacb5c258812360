/**
 * `@tagcache/core/config`: caches described in a file. `loadCachesConfig` reads the shape
 * `createCaches` takes from JSON or YAML (YAML needs the optional peer dependency `yaml`);
 * `validateCachesConfig` checks one without building anything. The config types
 * (`CachesConfig`, ...) are exported by the root entry, next to `createCaches`.
 * @packageDocumentation
 */

export { loadCachesConfig } from './load-config.js';
export { validateCachesConfig } from './validate-config.js';
