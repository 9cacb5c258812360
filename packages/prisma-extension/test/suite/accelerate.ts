import { CacheUsageError } from '@tagcache/core';
import { describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/databases.js';
import { cachedClient, seed } from '../support/fixtures.js';

/** Issue 15 item 3: code written the way Prisma Accelerate's docs write it runs on tagcache. */
export function accelerateTests(db: () => TestDatabase): void {
  describe('Prisma Accelerate drop-in (issue 15 item 3)', () => {
    it('cacheStrategy with ttl, swr and tags; $accelerate.invalidate({ tags }) and invalidateAll()', async () => {
      const c = cachedClient(db(), { mode: 'opt-in' });
      const { alice } = await seed(c.prisma);
      const prisma = c.db;
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
  });
}
