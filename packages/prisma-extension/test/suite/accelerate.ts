import { CacheUsageError } from '@tagcache/core';
import { accelerateInfoExtension } from '@tagcache/prisma';
import { describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/databases.js';
import { cachedClient, seed } from '../support/fixtures.js';

/** Issue 15 item 3: code written the way Prisma Accelerate's docs write it runs on tagcache. */
export function accelerateTests(db: () => TestDatabase): void {
  describe('Prisma Accelerate drop-in (issue 15 item 3)', () => {
    it('cacheStrategy with ttl, swr and tags; $accelerate.invalidate({ tags }) and invalidateAll()', async () => {
      const c = cachedClient(db(), { mode: 'opt-in' });
      const { alice } = await seed(c.prisma);
      const prisma = c.db.$extends(accelerateInfoExtension()); // applied last, as withAccelerate()
      // As in Accelerate's docs: a query opts in with cacheStrategy; tags name it for invalidation.
      const list = () =>
        prisma.user.findMany({
          where: { email: { contains: 'example.com' } },
          orderBy: { id: 'asc' },
          cacheStrategy: { ttl: 60, swr: 60, tags: ['emails_with_example_com'] },
        });
      await list();
      const sent = c.queries();
      await list();
      expect(c.queries()).toBe(sent); // served from the cache
      // A write through another client (the database changes, no automatic invalidation):
      await c.prisma.user.update({ where: { id: alice.id }, data: { name: 'Changed elsewhere' } });
      expect((await list())[1]?.name).toBe('Alice');
      const result = await prisma.$accelerate.invalidate({ tags: ['emails_with_example_com'] });
      expect(typeof result.requestId).toBe('string');
      expect((await list())[1]?.name).toBe('Changed elsewhere');
      // invalidateAll drops every cached read.
      const one = () => prisma.user.findUnique({ where: { id: alice.id }, cacheStrategy: { ttl: 60 } });
      await one();
      await c.prisma.user.update({ where: { id: alice.id }, data: { name: 'Again' } });
      expect((await one())?.name).toBe('Changed elsewhere');
      await prisma.$accelerate.invalidateAll();
      expect((await one())?.name).toBe('Again');
      expect((await list())[1]?.name).toBe('Again');
      // Writes through the extended client invalidate on their own, on top of tags.
      await prisma.user.update({ where: { id: alice.id }, data: { name: 'Written' } });
      expect((await list())[1]?.name).toBe('Written');
      await expect(prisma.$accelerate.invalidate({ tags: [] })).rejects.toThrow(CacheUsageError);
    });

    it('.withAccelerateInfo() on every cached read: { data, info } with the cache status, lazily', async () => {
      const c = cachedClient(db(), { mode: 'opt-in' });
      const { alice } = await seed(c.prisma);
      const prisma = c.db.$extends(accelerateInfoExtension()); // applied last, as withAccelerate()
      // As in Accelerate's docs:
      const read = () =>
        prisma.user.findMany({ orderBy: { id: 'asc' }, cacheStrategy: { ttl: 60 } }).withAccelerateInfo();
      const before = Date.now();
      const miss = await read();
      expect(miss.info.cacheStatus).toBe('miss');
      expect(miss.data.map((u) => u.name)).toEqual(['Bob', 'Alice']);
      const sent = c.queries();
      const { data, info } = await read();
      expect(c.queries()).toBe(sent); // a hit: no query
      expect(data).toEqual(miss.data);
      expect(info.cacheStatus).toBe('ttl');
      expect(info.region).toBe('local');
      expect(info.lastModified.getTime()).toBeGreaterThanOrEqual(before);
      expect(info.lastModified.getTime()).toBeLessThanOrEqual(Date.now());
      expect(await c.cache.has(info.signature)).toBe(true); // the signature is the cache key
      expect(info.requestId).not.toBe(miss.info.requestId);
      // Every cached operation has it; Decimal revival and fluent methods still apply.
      const one = await prisma.user
        .findUniqueOrThrow({ where: { id: alice.id }, cacheStrategy: { ttl: 60 } })
        .withAccelerateInfo();
      expect(one.data.balance.toString()).toBe('1234.5678');
      expect(one.info.cacheStatus).toBe('miss');
      expect((await prisma.user.count({ cacheStrategy: { ttl: 60 } }).withAccelerateInfo()).data).toBe(2);
      const sums = prisma.post.aggregate({ _count: true, cacheStrategy: { ttl: 60 } });
      expect((await sums.withAccelerateInfo()).data._count).toBe(2);
      expect((await sums.withAccelerateInfo()).info.cacheStatus).toBe('ttl');
      const groups = prisma.post.groupBy({ by: ['authorId'], cacheStrategy: { ttl: 60 } });
      expect((await groups.withAccelerateInfo()).data).toHaveLength(1);
      expect(await prisma.user.findUnique({ where: { id: alice.id } }).posts()).toHaveLength(2);
      // An expired entry within swr: served stale, 'swr', with the entry's write time.
      const stale = () =>
        prisma.user
          .findFirst({ where: { name: 'Bob' }, cacheStrategy: { ttl: 0.05, swr: 60 } })
          .withAccelerateInfo();
      const first = await stale();
      await new Promise((resolve) => setTimeout(resolve, 120));
      const late = await stale();
      expect(late.info.cacheStatus).toBe('swr');
      expect(late.data).toEqual(first.data);
      expect(late.info.lastModified.getTime()).toBeLessThanOrEqual(first.info.lastModified.getTime());
      // Reads that bypass the cache: 'none'.
      const bypass = await prisma.user.findFirst({ where: { id: alice.id } }).withAccelerateInfo(); // opt-in, no options
      expect(bypass.info.cacheStatus).toBe('none');
      expect(bypass.info.signature).toBe('unspecified');
      expect(bypass.data?.name).toBe('Alice');
      const inside = await prisma.$transaction(async (tx) =>
        tx.user.findMany({ cacheStrategy: { ttl: 60 } }).withAccelerateInfo(),
      );
      expect(inside.info.cacheStatus).toBe('none');
      // Lazy like Prisma's promises: a read nobody awaits sends no query.
      const idle = c.queries();
      prisma.user.findMany({ where: { name: 'nobody' }, cacheStrategy: { ttl: 60 } });
      const lazy = prisma.user
        .findMany({ where: { name: 'x' }, cacheStrategy: { ttl: 60 } })
        .withAccelerateInfo();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(c.queries()).toBe(idle);
      expect((await lazy).data).toEqual([]);
      expect(c.queries()).toBe(idle + 1);
    });
  });
}
