import { varnishPurger } from '@tagcache/cdn';
import {
  type BackendConfig,
  type CacheLogger,
  type CacheService,
  createCaches,
  type Serializer,
} from '@tagcache/core';
import type { ShopSettings } from './settings.js';

/** Prints the cache's warnings and errors (a backend that went away, a tag header cut short). */
const logger: CacheLogger = {
  debug: () => {},
  info: () => {},
  warn: (context, message) => console.warn(`[cache] ${message}`, describeContext(context)),
  error: (context, message) => console.error(`[cache] ${message}`, describeContext(context)),
};

function describeContext(context: Record<string, unknown>): string {
  const { code, operation, key } = context;
  return [code, operation, key].filter((part) => part !== undefined).join(' ');
}

/**
 * The one `CacheService` of the shop: HTTP pages, Prisma query results and the stats all live in
 * it, under different key prefixes (`http:`, `prisma:`, `stats:`). Memory by default;
 * `REDIS_URL` or `MEMCACHED_SERVERS` share it between instances. With `VARNISH_URL`, every
 * `invalidateTags` (the admin route's, the Prisma extension's) also purges the tags at Varnish,
 * and the pages carry them in the `xkey` header Varnish indexes them by.
 */
export function createShopCache(settings: ShopSettings, serializer: Serializer): CacheService {
  const common = { name: 'shop', defaultTtl: '5m', prefix: 'shop:' } as const;
  const backend: BackendConfig =
    settings.cache.type === 'redis'
      ? { ...common, type: 'redis', url: settings.cache.url }
      : settings.cache.type === 'memcached'
        ? { ...common, type: 'memcached', servers: settings.cache.servers }
        : { ...common, type: 'memory', maxEntries: 10_000 };
  // prismaSerializer(Prisma): JSON that brings Prisma's Decimal (and Date, BigInt) back as they were.
  const purgers = settings.varnishUrl === undefined ? [] : [varnishPurger({ url: settings.varnishUrl })];
  const caches = createCaches({
    backends: [backend],
    service: { serializer, logger, purgers },
  });
  return caches.get();
}
