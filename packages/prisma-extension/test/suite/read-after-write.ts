import { CacheService, CacheUsageError, MemoryBackend } from '@tagcache/core';
import { cacheExtension, prismaSerializer } from '@tagcache/prisma';
import { describe, expect, it } from 'vitest';
import { Prisma } from '../prisma/generated/sqlite/client.js';
import type { TestDatabase } from '../support/databases.js';
import { cachedClient, prismaCache, seed } from '../support/fixtures.js';

/** Holes found by an adversarial pass (issue 21): each read equals what a plain client returns. */
export function readAfterWriteTests(db: () => TestDatabase): void {
  describe('read after write, keys and names (issue 21)', () => {
    it('a read that begins after a write committed never joins a load that began before it (gate inside the cache)', async () => {
      const counted = db().client();
      const { alice } = await seed(counted.prisma);
      const cache = prismaCache();
      let hold: Promise<void> | undefined;
      let reached: () => void = () => {};
      const reachedGate = new Promise<void>((resolve) => {
        reached = resolve;
      });
      // Prisma runs the first-applied extension outermost: the gate, applied after the cache,
      // sits inside it, between the cache's load and the database.
      const client = counted.prisma.$extends(cacheExtension({ cache })).$extends({
        query: {
          user: {
            async findUnique({ args, query }) {
              const rows = await query(args);
              if (hold) {
                reached();
                await hold;
              }
              return rows;
            },
          },
        },
      });
      let release: () => void = () => {};
      hold = new Promise((resolve) => {
        release = resolve;
      });
      const read = () => client.user.findUnique({ where: { id: alice.id } });
      const before = read().then((u) => u); // Prisma's promises are lazy: `then` starts the query
      await reachedGate; // the old row is loaded, the load still in flight
      hold = undefined;
      await client.user.update({ where: { id: alice.id }, data: { name: 'Changed' } });
      const after = read().then((u) => u); // begins after the write committed
      release();
      expect((await before)?.name).toBe('Alice');
      expect((await after)?.name).toBe('Changed');
      expect((await read())?.name).toBe('Changed');
    });

    it('a client extended twice on one CacheService never waits for itself', async () => {
      const counted = db().client();
      const { alice } = await seed(counted.prisma);
      // maxWait is an hour: an inner layer waiting for the outer one would outlive the test's timeout.
      const cache = new CacheService({
        backend: new MemoryBackend(),
        serializer: prismaSerializer(Prisma),
        protection: { maxWait: '1h' },
      });
      const twice = counted.prisma.$extends(cacheExtension({ cache })).$extends(cacheExtension({ cache }));
      const q0 = counted.queries();
      expect((await twice.user.findUnique({ where: { id: alice.id } }))?.name).toBe('Alice');
      expect(counted.queries() - q0).toBe(1);
      expect((await twice.user.findUnique({ where: { id: alice.id } }))?.name).toBe('Alice');
      expect(counted.queries() - q0).toBe(1);
      await twice.user.update({ where: { id: alice.id }, data: { name: 'Again' } });
      expect((await twice.user.findUnique({ where: { id: alice.id } }))?.name).toBe('Again');
    }, 15_000);

    it('Json null filters (JsonNull, DbNull, AnyNull) each get their own entry', async () => {
      const c = cachedClient(db());
      await seed(c.prisma);
      await c.prisma.user.create({ data: { email: 'json-null@example.com', meta: Prisma.JsonNull } });
      const filters = [Prisma.JsonNull, Prisma.DbNull, Prisma.AnyNull];
      for (const equals of filters) {
        const args = {
          where: { meta: { equals } },
          orderBy: { id: 'asc' as const },
          select: { email: true },
        };
        expect(await c.db.user.findMany(args)).toEqual(await c.prisma.user.findMany(args));
      }
    });

    it('result extensions applied before the cache are recomputed on every read, hits included', async () => {
      const counted = db().client();
      const { alice } = await seed(counted.prisma);
      let computed = 0;
      const client = counted.prisma
        .$extends({
          result: {
            user: {
              shout: {
                needs: { name: true },
                compute: (user) => {
                  computed++;
                  return user.name?.toUpperCase();
                },
              },
            },
          },
        })
        .$extends(cacheExtension({ cache: prismaCache() }));
      const read = () => client.user.findUnique({ where: { id: alice.id } });
      expect((await read())?.shout).toBe('ALICE');
      const q0 = counted.queries();
      expect((await read())?.shout).toBe('ALICE');
      expect(counted.queries()).toBe(q0); // a hit
      expect(computed).toBe(2);
    });

    it('a fluent call and the equivalent select keep their own shapes', async () => {
      const c = cachedClient(db());
      const { alice } = await seed(c.prisma);
      const where = { id: alice.id };
      const fluent = await c.db.user.findUnique({ where }).posts({ orderBy: { id: 'asc' } });
      const selected = await c.db.user.findUnique({ where, select: { posts: { orderBy: { id: 'asc' } } } });
      expect(fluent).toEqual(await c.prisma.user.findUnique({ where }).posts({ orderBy: { id: 'asc' } }));
      expect(selected).toEqual(
        await c.prisma.user.findUnique({ where, select: { posts: { orderBy: { id: 'asc' } } } }),
      );
      expect(Array.isArray(fluent)).toBe(true);
      expect(Array.isArray(selected)).toBe(false);
    });

    it("a read's own tags can always invalidate what it is served", async () => {
      const c = cachedClient(db());
      const { alice } = await seed(c.prisma);
      const read = (tags: string[]) =>
        c.db.user.findUnique({ where: { id: alice.id }, cacheStrategy: { tags } });
      await read(['feed']);
      const q0 = c.queries();
      await read(['home']); // not served from the entry tagged 'feed' only
      expect(c.queries()).toBe(q0 + 1);
      await read(['home']);
      expect(c.queries()).toBe(q0 + 1);
      await c.db.$invalidateCache({ tags: ['home'] });
      await read(['home']);
      expect(c.queries()).toBe(q0 + 2);
    });

    it('concurrent identical reads each get their own object, as from a plain client', async () => {
      const c = cachedClient(db());
      const { alice } = await seed(c.prisma);
      const read = () => c.db.user.findUnique({ where: { id: alice.id }, include: { posts: true } });
      const q0 = c.queries();
      const [a, b, d] = await Promise.all([read(), read(), read()]);
      expect(c.queries() - q0).toBeLessThanOrEqual(2); // still one load (one statement per relation level)
      expect(a).toEqual(b);
      expect(a).not.toBe(b);
      expect(b).not.toBe(d);
      a!.name = 'masked';
      a!.posts.pop();
      expect(b!.name).toBe('Alice');
      expect(d!.posts).toHaveLength(2);
      expect(b!.balance).toEqual(new Prisma.Decimal('1234.5678'));
      expect(b!.avatar).toEqual(new Uint8Array([0, 1, 2, 253, 254, 255]));
    });

    it('mutating what a leader, a joiner or a hit got never changes what another caller gets', async () => {
      const c = cachedClient(db());
      const { alice } = await seed(c.prisma);
      const read = () => c.db.user.findUnique({ where: { id: alice.id }, include: { posts: true } });
      const [leader, joiner] = await Promise.all([read(), read()]);
      const q0 = c.queries();
      leader!.name = 'leader';
      leader!.posts.pop();
      joiner!.name = 'joiner';
      joiner!.posts.length = 0;
      const hit = await read();
      expect(c.queries()).toBe(q0); // a hit
      expect(hit!.name).toBe('Alice');
      expect(hit!.posts).toHaveLength(2);
      hit!.name = 'hit';
      hit!.posts.length = 0;
      const again = await read();
      expect(c.queries()).toBe(q0);
      expect(again!.name).toBe('Alice');
      expect(again!.posts).toHaveLength(2);
      expect(again!.balance).toEqual(new Prisma.Decimal('1234.5678'));
      expect([leader!.name, joiner!.name, joiner!.posts.length]).toEqual(['leader', 'joiner', 0]);
    });

    it('model names in raw and invalidation calls: delegate and table names work, unknown ones are a CacheUsageError', async () => {
      const c = cachedClient(db());
      const { alice } = await seed(c.prisma);
      const read = () => c.db.user.findUnique({ where: { id: alice.id } });
      await read();
      await c.db.$executeRawTouching(Prisma.sql`UPDATE "User" SET "name" = 'Raw' WHERE "id" = ${alice.id}`, {
        models: ['user'], // the delegate name
      });
      expect((await read())?.name).toBe('Raw');
      const raw = () =>
        c.db.$queryRawCached<{ name: string }[]>(
          Prisma.sql`SELECT "name" FROM "User" WHERE "id" = ${alice.id}`,
          {
            models: ['User'], // the table name (here also the model name)
          },
        );
      expect((await raw())[0]?.name).toBe('Raw');
      await c.db.user.update({ where: { id: alice.id }, data: { name: 'Written' } });
      expect((await raw())[0]?.name).toBe('Written');
      for (const call of [
        () => c.db.$executeRawTouching(Prisma.sql`UPDATE "User" SET "name" = 'x'`, { models: ['users'] }),
        () => c.db.$queryRawCached(Prisma.sql`SELECT 1`, { models: ['nope'] }),
        () => c.db.$invalidateCache({ models: ['Userr'] }),
      ]) {
        await expect(call()).rejects.toThrow(CacheUsageError);
        await expect(call()).rejects.toMatchObject({ field: 'models' });
      }
      expect((await read())?.name).toBe('Written'); // the refused raw write did not run
    });

    it("$executeRawTouching is lazy like Prisma's promises, and commits with a batch $transaction", async () => {
      const c = cachedClient(db());
      const { alice, bob } = await seed(c.prisma);
      const read = () => c.db.user.findUnique({ where: { id: alice.id } });
      await read();
      const rename = (name: string) =>
        c.db.$executeRawTouching(Prisma.sql`UPDATE "User" SET "name" = ${name} WHERE "id" = ${alice.id}`, {
          models: ['User'],
        });
      void rename('Never awaited');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await c.prisma.user.findUnique({ where: { id: alice.id } }))?.name).toBe('Alice');
      // A batch whose last statement fails rolls the raw write back with it.
      await expect(
        c.db.$transaction([rename('Batched'), c.db.user.create({ data: { email: bob.email } })]),
      ).rejects.toThrow();
      expect((await c.prisma.user.findUnique({ where: { id: alice.id } }))?.name).toBe('Alice');
      const [count] = await c.db.$transaction([rename('Committed'), c.db.user.count()]);
      expect(count).toBe(1);
      expect((await read())?.name).toBe('Committed');
    });

    it('DML through $queryRaw and $queryRawUnsafe (RETURNING) invalidates, inside and outside transactions', async () => {
      const c = cachedClient(db());
      const { alice } = await seed(c.prisma);
      const read = () => c.db.user.findUnique({ where: { id: alice.id } });
      await read();
      await c.db.$queryRaw`UPDATE "User" SET "name" = 'One' WHERE "id" = ${alice.id} RETURNING "id"`;
      expect((await read())?.name).toBe('One');
      const placeholder = db().name === 'postgresql' ? '$1' : '?';
      await c.db.$queryRawUnsafe(
        `UPDATE "User" SET "name" = 'Two' WHERE "id" = ${placeholder} RETURNING "id"`,
        alice.id,
      );
      expect((await read())?.name).toBe('Two');
      await c.db.$transaction(async (tx) => {
        await tx.$queryRaw`UPDATE "User" SET "name" = 'Three' WHERE "id" = ${alice.id} RETURNING "id"`;
      });
      expect((await read())?.name).toBe('Three');
    });
  });
}
