import { CacheService, CacheUsageError, JsonSerializer, MemoryBackend, V8Serializer } from '@tagcache/core';
import { describe, expect, it } from 'vitest';
import { Prisma } from '../prisma/generated/sqlite/client.js';
import type { TestDatabase } from '../support/databases.js';
import { cachedClient, seed } from '../support/fixtures.js';

/** Issue 15 item 2: a cache built with no serializer option returns Decimal on a hit, as a miss does. */
export function decimalTests(db: () => TestDatabase): void {
  describe('Decimal without ceremony (issue 15 item 2)', () => {
    it('the default JSON serializer: hits return Prisma.Decimal everywhere a miss does', async () => {
      const cache = new CacheService({ backend: new MemoryBackend() }); // no serializer option
      const c = cachedClient(db(), { cache });
      const { alice, first } = await seed(c.prisma);
      await c.prisma.user.update({ where: { id: alice.id }, data: { meta: { price: '1.50' } } });
      const user = () =>
        c.db.user.findUniqueOrThrow({
          where: { id: alice.id },
          include: { posts: { orderBy: { id: 'asc' } } },
        });
      const fluent = () =>
        c.db.user.findUnique({ where: { id: alice.id } }).posts({ orderBy: { id: 'asc' } });
      const sum = () =>
        c.db.user.aggregate({ _sum: { balance: true }, _max: { balance: true }, _count: true });
      const nested = () =>
        c.db.comment.findFirst({
          where: { postId: first.id },
          select: { post: { select: { price: true } } },
        });
      const reads: (() => Promise<unknown>)[] = [
        user,
        () => c.db.post.findMany({ orderBy: { id: 'asc' }, include: { author: true } }),
        fluent,
        sum,
        () => c.db.post.groupBy({ by: ['authorId'], _sum: { price: true }, orderBy: { authorId: 'asc' } }),
        nested,
      ];
      for (const read of reads) {
        const miss = await read();
        const sent = c.queries();
        const hit = await read();
        expect(c.queries()).toBe(sent); // a hit
        expect(hit).toEqual(miss);
      }
      const u = await user();
      expect(u.balance).toBeInstanceOf(Prisma.Decimal);
      expect(u.balance.toString()).toBe('1234.5678');
      expect(u.posts[0]?.price).toBeInstanceOf(Prisma.Decimal);
      expect(u.posts[1]?.price).toBeNull();
      expect(u.meta).toEqual({ price: '1.50' }); // a Json string stays a string
      const total = await sum();
      expect(total._sum.balance).toBeInstanceOf(Prisma.Decimal);
      expect(total._max.balance?.toString()).toBe('1234.5678');
      const posts = await fluent();
      expect(posts?.[0]?.price).toBeInstanceOf(Prisma.Decimal);
      expect((await nested())?.post.price).toBeInstanceOf(Prisma.Decimal);
    });

    it('a serializer that loses Decimal refuses to start: a CacheUsageError naming the model and field', async () => {
      const lossy = new JsonSerializer({
        types: [
          {
            name: 'LossyDecimal',
            is: (v: unknown): v is object => Prisma.Decimal.isDecimal(v),
            encode: (v) => Number(v),
            decode: (d) => d,
          },
        ],
      });
      for (const serializer of [lossy, new V8Serializer()]) {
        const cache = new CacheService({ backend: new MemoryBackend(), serializer, allowV8: true });
        const error = (() => {
          try {
            cachedClient(db(), { cache });
          } catch (e) {
            return e;
          }
          return undefined;
        })();
        expect(error).toBeInstanceOf(CacheUsageError);
        expect(String((error as Error).message)).toContain('User.balance');
        expect((error as CacheUsageError).field).toBe('cache.serializer');
      }
      // JSON (the default), prismaSerializer and msgpack-free setups start.
      const plain = cachedClient(db(), { cache: new CacheService({ backend: new MemoryBackend() }) });
      await seed(plain.prisma);
      expect(await plain.db.user.count()).toBe(2);
    });
  });
}
