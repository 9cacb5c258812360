import { CacheService } from '../cache-service.js';
import { createBackend } from './backend-factories.js';
import { CacheRegistry } from './cache-registry.js';
import type { CachesConfig } from './config-types.js';
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
        ...(shared.defaultSerializer !== undefined && { serializer: shared.defaultSerializer }),
        ...(shared.allowV8 !== undefined && { allowV8: shared.allowV8 }),
        ...(shared.compress !== undefined && { compress: shared.compress }),
        ...(shared.tagTtl !== undefined && { tagTtl: shared.tagTtl }),
        ...(shared.logger !== undefined && { logger: shared.logger }),
        ...(shared.purgers !== undefined && { purgers: shared.purgers }),
        ...(shared.purge !== undefined && { purge: shared.purge }),
        protection: {
          enabled: shared.enableProtection ?? true,
          ...(shared.protectionLockTtl !== undefined && { lockTtl: shared.protectionLockTtl }),
          ...(shared.protectionMaxWait !== undefined && { maxWait: shared.protectionMaxWait }),
        },
      }),
    );
  });
  return new CacheRegistry(services, defaultName);
}
