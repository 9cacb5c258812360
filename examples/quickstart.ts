/**
 * The smallest tour of @tagcache/core: read-through caching, tags, stampede protection.
 * Run it with `npm run build && npm run start:quickstart -w examples` from the repository root.
 */
import { CacheService, MemoryBackend } from '@tagcache/core';

const cache = new CacheService({
  backend: new MemoryBackend({ maxEntries: 10_000 }),
  defaultTtl: '5m',
  prefix: 'shop:',
});

let databaseQueries = 0;
async function loadProduct(id: number): Promise<{ id: number; name: string; updatedAt: Date }> {
  databaseQueries++;
  await new Promise((resolve) => setTimeout(resolve, 20)); // a slow query
  return { id, name: `Product ${id}`, updatedAt: new Date() };
}

const product = (id: number) =>
  cache.getOrSet(`product:${id}`, () => loadProduct(id), { ttl: 60, tags: ['products', `product:${id}`] });

// 100 concurrent requests for a cold key: one query.
await Promise.all(Array.from({ length: 100 }, () => product(7)));
console.log(`100 concurrent reads of product 7 -> ${databaseQueries} database query`);

const again = await product(7);
console.log(
  `cached read -> ${databaseQueries} query in total; updatedAt is a ${again.updatedAt.constructor.name}`,
);

await cache.invalidateTags(['product:7']);
await product(7);
console.log(`after invalidateTags(['product:7']) -> ${databaseQueries} queries (one reload)`);

console.log('stats:', cache.stats());
console.log('health:', await cache.health());
await cache.close();
