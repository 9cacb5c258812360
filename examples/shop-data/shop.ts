import type { CacheService } from '@tagcache/core';
import { prismaSerializer } from '@tagcache/prisma';
import { createShopCache } from './cache.js';
import { Catalogue, extendClient } from './catalogue.js';
import { openDatabase } from './database.js';
import type { ShopSettings } from './settings.js';

/** The data layer both apps share: the cache, the cached Prisma client and the queries. */
export interface Shop {
  readonly cache: CacheService;
  readonly catalogue: Catalogue;
  readonly seeded: boolean;
  close(): Promise<void>;
}

export async function openShop(settings: ShopSettings): Promise<Shop> {
  const database = await openDatabase(settings.databaseUrl);
  const cache = createShopCache(settings, prismaSerializer(database.Prisma));
  const prisma = extendClient(database.prisma, cache);
  return {
    cache,
    catalogue: new Catalogue(prisma, cache),
    seeded: database.seeded,
    async close() {
      await Promise.allSettled([database.prisma.$disconnect(), cache.close()]);
    },
  };
}
