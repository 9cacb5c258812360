import { type CacheBackend, CacheService, MemoryBackend, RedisBackend } from '@tagcache/core';
import { ChaosBackend } from '@tagcache/core/testing';
import { prismaSerializer } from '@tagcache/prisma';
import { describe, expect, it } from 'vitest';
import { Prisma } from '../prisma/generated/sqlite/client.js';
import type { TestDatabase } from '../support/databases.js';
import { cachedClient, seed } from '../support/fixtures.js';

/** Stampedes, races with writes, shared caches, a failing cache. */
export function concurrencyTests(db: () => TestDatabase): void {
  describe('concurrency and failure', () => {
    it('N identical concurrent misses make one database query', async () => {
      const c = cachedClient(db());
      await seed(c.prisma);
      const q0 = c.queries();
      const results = await Promise.all(
        Array.from({ length: 25 }, () =>
          c.db.post.findMany({ where: { published: true }, include: { tags: true } }),
        ),
      );
      // findMany with include is one statement per relation level on some databases: count them once.
      const perQuery = c.queries() - q0;
      expect(perQuery).toBeGreaterThan(0);
      expect(perQuery).toBeLessThanOrEqual(2);
      const single = cachedClient(db());
      const q1 = single.queries();
      await single.db.post.findMany({ where: { published: true }, include: { tags: true } });
      expect(perQuery).toBe(single.queries() - q1);
      for (const r of results) expect(r).toEqual(results[0]);
    });

    it('two cached clients sharing one cache backend: a write through one invalidates the other', async () => {
      const url = process.env.REDIS_URL;
      const backend = (): CacheBackend => (url ? new RedisBackend({ url }) : shared);
      const shared = new MemoryBackend();
      const prefix = `tc-prisma-${Math.random().toString(36).slice(2)}:`;
      const first = new CacheService({ backend: backend(), prefix, serializer: prismaSerializer(Prisma) });
      const second = new CacheService({ backend: backend(), prefix, serializer: prismaSerializer(Prisma) });
      try {
        const a = cachedClient(db(), { cache: first });
        const b = cachedClient(db(), { cache: second });
        const { alice } = await seed(a.prisma);
        const read = (c: typeof a) =>
          c.db.user.findUnique({ where: { id: alice.id }, include: { posts: true } });
        await read(a);
        const q0 = b.queries();
        expect((await read(b))?.name).toBe('Alice');
        expect(b.queries()).toBe(q0); // b was served a's entry
        await a.db.post.updateMany({ where: { authorId: alice.id }, data: { title: 'Shared' } });
        expect((await read(b))?.posts.every((p) => p.title === 'Shared')).toBe(true);
        await b.db.user.update({ where: { id: alice.id }, data: { name: 'Via B' } });
        expect((await read(a))?.name).toBe('Via B');
      } finally {
        await first.close();
        await second.close();
      }
    });

    it('a cache backend that fails falls through to the database', async () => {
      const chaos = new ChaosBackend(new MemoryBackend());
      const cache = new CacheService({
        backend: chaos,
        serializer: prismaSerializer(Prisma),
        resilience: false,
      });
      const c = cachedClient(db(), { cache });
      const { alice } = await seed(c.prisma);
      chaos.setMode('fail');
      expect((await c.db.user.findUnique({ where: { id: alice.id } }))?.name).toBe('Alice');
      await c.db.user.update({ where: { id: alice.id }, data: { name: 'Down' } });
      expect(await c.db.user.count()).toBe(2);
      chaos.setMode('pass');
      expect((await c.db.user.findUnique({ where: { id: alice.id } }))?.name).toBe('Down');
    });

    it('a cache backend that hangs times out and the database answers', async () => {
      const chaos = new ChaosBackend(new MemoryBackend());
      const cache = new CacheService({
        backend: chaos,
        serializer: prismaSerializer(Prisma),
        // Durations as numbers are seconds: the timeout is a string.
        resilience: { timeout: '50ms', circuitBreaker: false },
      });
      try {
        const c = cachedClient(db(), { cache });
        const { alice } = await seed(c.prisma);
        // A cached entry that the hang makes unreachable: the answer must come from the database.
        expect((await c.db.user.findUnique({ where: { id: alice.id } }))?.name).toBe('Alice');
        chaos.setMode('hang');
        chaos.resetCounts();
        const q0 = c.queries();
        const started = performance.now();
        expect((await c.db.user.findUnique({ where: { id: alice.id } }))?.name).toBe('Alice');
        expect(
          (await c.db.post.findMany({ where: { authorId: alice.id }, orderBy: { id: 'asc' } })).map(
            (p) => p.title,
          ),
        ).toEqual(['First', 'Draft']);
        // A write goes through too, and the next read sees it (from the database).
        await c.db.user.update({ where: { id: alice.id }, data: { name: 'Hung' } });
        expect((await c.db.user.findUnique({ where: { id: alice.id } }))?.name).toBe('Hung');
        const elapsed = performance.now() - started;
        expect(chaos.totalCalls).toBeGreaterThan(0); // the cache was asked, and hung
        expect(c.queries() - q0).toBeGreaterThanOrEqual(4); // every answer came from the database
        // Each cache call gave up after ~50 ms; never the 1 s default, let alone forever.
        expect(elapsed).toBeLessThan(2_000);
      } finally {
        chaos.setMode('pass');
        await cache.close();
      }
    });
  });
}
