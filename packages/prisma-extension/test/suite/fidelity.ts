import { describe, expect, it } from 'vitest';
import { Prisma as Generated } from '../prisma/generated/sqlite/client.js';
import type { TestDatabase } from '../support/databases.js';
import { cachedClient, seed } from '../support/fixtures.js';

/**
 * A cached client on a seeded database, and a read of Alice with her posts (a Date, BigInt,
 * Decimal, Bytes and Json on the user; a Date and a Decimal, or nulls, on each post).
 */
async function seededAliceRead(database: TestDatabase) {
  const c = cachedClient(database);
  const { alice } = await seed(c.prisma);
  const read = () =>
    c.db.user.findUniqueOrThrow({
      where: { id: alice.id },
      include: { posts: { orderBy: { id: 'asc' } } },
    });
  return { c, read };
}

/** A hit returns exactly what a miss returns. */
export function fidelityTests(db: () => TestDatabase): void {
  describe('fidelity', () => {
    it('Date, BigInt, Decimal, Bytes and Json come back as the same types', async () => {
      const { c, read } = await seededAliceRead(db());
      const miss = await read();
      const hit = await read();
      expect(c.cache.stats().hits).toBe(1);
      expect(hit).toEqual(miss);
      expect(hit.createdAt).toBeInstanceOf(Date);
      expect(hit.createdAt.getTime()).toBe(miss.createdAt.getTime());
      expect(hit.points).toBe(9007199254740993n);
      expect(hit.balance).toBeInstanceOf(Generated.Decimal);
      expect(hit.balance.toString()).toBe('1234.5678');
      expect(hit.avatar).toBeInstanceOf(Uint8Array);
      expect(Object.getPrototypeOf(hit.avatar)).toBe(Object.getPrototypeOf(miss.avatar));
      expect([...(hit.avatar ?? [])]).toEqual([0, 1, 2, 253, 254, 255]);
      expect(hit.meta).toEqual({
        since: '2020-01-01T00:00:00.000Z',
        $t: 'Date',
        nested: { v: [1, 'x', null] },
      });
      expect(hit.posts[0]?.price).toBeInstanceOf(Generated.Decimal);
      expect(hit.posts[0]?.publishedAt).toEqual(new Date(Date.UTC(2024, 0, 2)));
      expect(hit.posts[1]?.price).toBeNull();
      expect(hit.posts[1]?.publishedAt).toBeNull();
      expect(hit.managerId).toBe(miss.managerId);
    });

    it("mutating a hit's Date, Decimal, Bytes and Json in place never changes what the next caller gets", async () => {
      const { c, read } = await seededAliceRead(db());
      const miss = await read();
      const q0 = c.queries();
      const hit = await read();
      hit.createdAt.setTime(0);
      hit.posts[0]?.publishedAt?.setTime(0);
      (hit.balance as unknown as { d: number[] }).d[0] = 9;
      (hit.posts[0]!.price as unknown as { d: number[] }).d[0] = 9;
      hit.avatar?.fill(7);
      (hit.meta as { nested: { v: unknown[] } }).nested.v.push('mutated');
      const next = await read();
      expect(c.queries()).toBe(q0); // both were hits
      expect(next).toEqual(miss);
      expect(next.createdAt.getTime()).toBe(miss.createdAt.getTime());
      expect(next.posts[0]?.publishedAt).toEqual(new Date(Date.UTC(2024, 0, 2)));
      expect(next.balance.toString()).toBe('1234.5678');
      expect(next.posts[0]?.price?.toString()).toBe('9.99');
      expect([...(next.avatar ?? [])]).toEqual([0, 1, 2, 253, 254, 255]);
      expect(next.meta).toEqual({
        since: '2020-01-01T00:00:00.000Z',
        $t: 'Date',
        nested: { v: [1, 'x', null] },
      });
    });

    it('Decimal aggregates keep their precision and class', async () => {
      const c = cachedClient(db());
      await seed(c.prisma);
      const big = db().name === 'postgresql' ? '12345678901234567890.123456789012345678' : '0.1';
      await c.prisma.user.create({
        data: { email: 'rich@example.com', balance: new Generated.Decimal(big) },
      });
      const read = () =>
        c.db.user.aggregate({ _sum: { balance: true }, _avg: { points: true }, _max: { balance: true } });
      const miss = await read();
      const hit = await read();
      expect(c.cache.stats().hits).toBe(1);
      expect(hit).toEqual(miss);
      expect(hit._max.balance).toBeInstanceOf(Generated.Decimal);
      expect(hit._max.balance?.toFixed()).toBe(miss._max.balance?.toFixed());
      if (db().name === 'postgresql') expect(hit._max.balance?.toFixed()).toBe(big);
      expect(hit._sum.balance?.equals(miss._sum.balance ?? 0)).toBe(true);
    });

    it('Json strings that look like dates or tags stay strings', async () => {
      const c = cachedClient(db());
      const meta = ['2024-01-01T00:00:00.000Z', { $t: 'BigInt', v: '1' }, '\u0001', { $t: '$', v: [] }];
      const user = await c.prisma.user.create({ data: { email: 'json@example.com', meta } });
      await c.db.user.findUnique({ where: { id: user.id } });
      const hit = await c.db.user.findUnique({ where: { id: user.id } });
      expect(c.cache.stats().hits).toBe(1);
      expect(hit?.meta).toEqual(meta);
    });

    it('null results and zero counts are cached', async () => {
      const c = cachedClient(db());
      expect(await c.db.user.findUnique({ where: { id: 424242 } })).toBeNull();
      expect(await c.db.user.findFirst({ where: { name: 'nobody' } })).toBeNull();
      expect(await c.db.user.count()).toBe(0);
      const q0 = c.queries();
      expect(await c.db.user.findUnique({ where: { id: 424242 } })).toBeNull();
      expect(await c.db.user.findFirst({ where: { name: 'nobody' } })).toBeNull();
      expect(await c.db.user.count()).toBe(0);
      expect(c.queries()).toBe(q0);
    });

    it('*OrThrow throws the not-found error on every call', async () => {
      const c = cachedClient(db());
      for (let i = 0; i < 3; i++) {
        await expect(c.db.user.findUniqueOrThrow({ where: { id: 999 } })).rejects.toMatchObject({
          code: 'P2025',
        });
        await expect(c.db.post.findFirstOrThrow({ where: { title: 'none' } })).rejects.toBeInstanceOf(
          Generated.PrismaClientKnownRequestError,
        );
      }
      expect(c.queries()).toBe(6);
    });
  });
}
