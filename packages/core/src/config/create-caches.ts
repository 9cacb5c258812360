import { CacheService } from '../cache-service.js';
import { createBackend } from './backend-factories.js';
import { CacheRegistry } from './cache-registry.js';
import type { CachesConfig, SharedServiceConfig } from './config-types.js';
import { validateCachesConfig } from './validate-config.js';

/**
 * Builds one `CacheService` per backend entry. The whole config is validated first: a
 * mistake throws a `CacheUsageError` naming the field before any connection is made.
 *
 * @example
 * ```ts
 * const caches = createCaches({
 *   backends: [
 *     { name: 'hot', type: 'memory', default: true, defaultTtl: '1m' },
 *     { name: 'persistent', type: 'redis', url: process.env.REDIS_URL, defaultTtl: '1h' },
 *     // Redis behind an in-process L1, kept coherent across the fleet by Redis pub/sub.
 *     { name: 'pages', type: 'redis', url: process.env.REDIS_URL, l1: { maxEntries: 5_000 } },
 *   ],
 * });
 * caches.get();              // 'hot'
 * caches.get('persistent');
 * ```
 */
export function createCaches(config: CachesConfig): CacheRegistry {
  const defaultName = validateCachesConfig(config);
  const shared = config.service ?? {};
  const services = new Map<string, CacheService>();
  config.backends.forEach((entry, i) => {
    services.set(
      entry.name,
      new CacheService({
        name: entry.name,
        backend: createBackend(entry, `backends[${i}]`),
        ...(entry.defaultTtl !== undefined && { defaultTtl: entry.defaultTtl }),
        ...(entry.prefix !== undefined && { prefix: entry.prefix }),
        ...(entry.resilience !== undefined && { resilience: entry.resilience }),
        ...(entry.l1 !== undefined && { l1: entry.l1 }),
        ...(entry.bus !== undefined && { bus: entry.bus }),
        ...pickShared(shared),
      }),
    );
  });
  return new CacheRegistry(services, defaultName);
}

/** The keys of {@link SharedServiceConfig}: each is the `CacheServiceOptions` field it sets. */
const SHARED_KEYS = [
  'protection',
  'serializer',
  'allowV8',
  'compress',
  'tagTtl',
  'logger',
  'purgers',
  'purge',
] as const satisfies readonly (keyof SharedServiceConfig)[];

function pickShared(shared: SharedServiceConfig): SharedServiceConfig {
  const picked: Record<string, unknown> = {};
  for (const key of SHARED_KEYS) if (shared[key] !== undefined) picked[key] = shared[key];
  return picked as SharedServiceConfig;
}
