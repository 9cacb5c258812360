import { queryKey } from '@tagcache/prisma';
import { describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/databases.js';
import { cachedClient, seed } from '../support/fixtures.js';

/** Cached reads, per-query and global options, keys. */
export function readTests(db: () => TestDatabase): void {
  describe('reads', () => {
    it('caches every read operation: a repeat makes no query and returns an equal result', async () => {
      const c = cachedClient(db());
      const { alice } = await seed(c.prisma);
      const reads = [
        () => c.db.user.findUnique({ where: { id: alice.id } }),
        () => c.db.user.findUniqueOrThrow({ where: { id: alice.id }, include: { posts: true } }),
        () => c.db.user.findFirst({ where: { name: 'Alice' } }),
        () => c.db.user.findFirstOrThrow({ orderBy: { id: 'asc' } }),
        () => c.db.post.findMany({ orderBy: { id: 'asc' } }),
        () => c.db.post.count({ where: { published: true } }),
        () => c.db.user.aggregate({ _sum: { balance: true, points: true }, _max: { createdAt: true } }),
        () => c.db.post.groupBy({ by: ['authorId'], _count: { _all: true }, orderBy: { authorId: 'asc' } }),
      ];
      for (const read of reads) {
        const miss = await read();
        const before = c.queries();
        const hit = await read();
        expect(c.queries()).toBe(before);
        expect(hit).toEqual(miss);
      }
    });

    it('cache: false skips the cache, and the options never reach Prisma', async () => {
      const c = cachedClient(db());
      await seed(c.prisma);
      await c.db.user.findMany({ cache: false });
      const before = c.queries();
      await c.db.user.findMany({ cache: false });
      expect(c.queries()).toBe(before + 1);
      await c.db.user.findMany({ cache: { ttl: 60, tags: ['home'] } });
      await c.db.user.findMany({ cacheStrategy: { ttl: 60, swr: 10 } });
      await c.db.user.create({ data: { email: 'x@example.com' } });
    });

    it("mode 'opt-in' caches only reads that ask, with cache or cacheStrategy", async () => {
      const c = cachedClient(db(), { mode: 'opt-in' });
      await seed(c.prisma);
      const q0 = c.queries();
      await c.db.user.count();
      await c.db.user.count();
      expect(c.queries()).toBe(q0 + 2);
      await c.db.user.count({ cache: true });
      await c.db.user.count({ cache: true });
      expect(c.queries()).toBe(q0 + 3);
      await c.db.post.count({ cacheStrategy: { ttl: 30, tags: ['posts'] } });
      await c.db.post.count({ cacheStrategy: { ttl: 30, tags: ['posts'] } });
      expect(c.queries()).toBe(q0 + 4);
      await c.db.$invalidateCache({ tags: ['posts'] });
      await c.db.post.count({ cacheStrategy: { ttl: 30, tags: ['posts'] } });
      expect(c.queries()).toBe(q0 + 5);
    });

    it('per-model and per-operation switches', async () => {
      const c = cachedClient(db(), {
        models: { Setting: false, post: { operations: { count: false } } },
        operations: { groupBy: false },
      });
      await c.db.setting.create({ data: { key: 'a', value: '1' } });
      const q0 = c.queries();
      await c.db.setting.findMany();
      await c.db.setting.findMany({ cache: { ttl: 60 } });
      await c.db.post.count();
      await c.db.post.count();
      await c.db.user.groupBy({ by: ['name'] });
      await c.db.user.groupBy({ by: ['name'] });
      expect(c.queries()).toBe(q0 + 6);
      await c.db.post.findMany();
      await c.db.post.findMany();
      expect(c.queries()).toBe(q0 + 7);
    });

    it('keys ignore key order but separate select, include, omit and paging', async () => {
      const c = cachedClient(db());
      const { alice } = await seed(c.prisma);
      await c.db.post.findMany({ where: { authorId: alice.id, published: true }, orderBy: { id: 'asc' } });
      const q0 = c.queries();
      await c.db.post.findMany({ orderBy: { id: 'asc' }, where: { published: true, authorId: alice.id } });
      expect(c.queries()).toBe(q0);
      const hits = c.cache.stats().hits;
      const variants = [
        await c.db.user.findUnique({ where: { id: alice.id }, select: { id: true } }),
        await c.db.user.findUnique({ where: { id: alice.id }, include: { profile: true } }),
        await c.db.user.findUnique({ where: { id: alice.id }, omit: { avatar: true } }),
        await c.db.post.findMany({ take: 1, orderBy: { id: 'asc' } }),
        await c.db.post.findMany({ skip: 1, orderBy: { id: 'asc' } }),
      ];
      expect(c.cache.stats().hits).toBe(hits);
      expect(variants[0]).toEqual({ id: alice.id });
      expect(variants[1]).toHaveProperty('profile.bio', 'hello');
      expect(variants[2]).not.toHaveProperty('avatar');
      expect(variants[3]).not.toEqual(variants[4]);
    });

    it('reads by one where field (keys memoized by value) have the keys of their arguments, miss and hits', async () => {
      const c = cachedClient(db(), { schemaVersion: 'v1' });
      const { alice, bob } = await seed(c.prisma);
      const keys: string[] = [];
      c.cache.on('set', (e) => keys.push(e.key));
      c.cache.on('hit', (e) => keys.push(e.key));
      const findUnique = (args: { where: { id: number } | { email: string } }) => ({
        operation: 'findUnique',
        args,
        read: () => c.db.user.findUnique(args),
      });
      const findFirst = (args: { where: { id: number } | { managerId: number } }) => ({
        operation: 'findFirst',
        args,
        read: () => c.db.user.findFirst(args),
      });
      const reads = [
        findUnique({ where: { id: alice.id } }),
        findUnique({ where: { id: bob.id } }),
        findUnique({ where: { email: 'alice@example.com' } }),
        {
          operation: 'findUnique',
          args: { where: { id: alice.id }, select: { id: true } },
          read: () => c.db.user.findUnique({ where: { id: alice.id }, select: { id: true } }),
        },
        // The same value in two fields: two keys (Bob, then Alice whose manager he is).
        findFirst({ where: { id: bob.id } }),
        findFirst({ where: { managerId: bob.id } }),
      ];
      const names: unknown[] = [];
      for (const { operation, args, read } of reads) {
        keys.length = 0;
        for (let i = 0; i < 3; i++) names.push(((await read()) as { name?: string } | null)?.name);
        const key = queryKey({
          prefix: 'prisma:',
          schemaVersion: 'v1',
          model: 'User',
          operation,
          args,
          client: { omit: null },
        });
        expect(keys).toEqual([`|${key}`, `|${key}`, `|${key}`]);
      }
      expect(names.slice(-6)).toEqual(['Bob', 'Bob', 'Bob', 'Alice', 'Alice', 'Alice']);
    });

    it('a where value memoized as a number never answers the same value as a string', async () => {
      const c = cachedClient(db());
      const { alice } = await seed(c.prisma);
      const byNumber = { where: { id: alice.id } };
      await c.db.user.findUnique(byNumber);
      expect((await c.db.user.findUnique(byNumber))?.name).toBe('Alice');
      // The same digits as a string: another key, so Prisma sees (and refuses) the read.
      const byString = { where: { id: String(alice.id) } } as unknown as typeof byNumber;
      await expect(c.db.user.findUnique(byString)).rejects.toThrow();
    });

    it('clients with different global omit or schema version never share entries', async () => {
      const first = cachedClient(db());
      const { alice } = await seed(first.prisma);
      const omitting = db().client({ omit: { user: { email: true } } });
      const second = omitting.prisma.$extends(
        (await import('@tagcache/prisma')).cacheExtension({ cache: first.cache }),
      );
      const full = await first.db.user.findUnique({ where: { id: alice.id } });
      const trimmed = await second.user.findUnique({ where: { id: alice.id } });
      expect(full).toHaveProperty('email');
      expect(trimmed).not.toHaveProperty('email');
      const versioned = cachedClient(db(), { cache: first.cache, schemaVersion: 'v2' });
      await versioned.db.user.findUnique({ where: { id: alice.id } });
      expect(versioned.queries()).toBe(1);
    });

    it('a custom key and tags; $invalidateCache by model', async () => {
      const c = cachedClient(db());
      await seed(c.prisma);
      await c.db.user.count({ cache: { key: 'users-total', tags: ['dashboard'] } });
      const q0 = c.queries();
      await c.db.user.count({ where: { name: 'nobody' }, cache: { key: 'users-total' } });
      expect(c.queries()).toBe(q0);
      await c.db.$invalidateCache({ models: ['User'] });
      await c.db.user.count({ cache: { key: 'users-total' } });
      expect(c.queries()).toBe(q0 + 1);
    });

    it('the fluent API is cached and invalidated like the read it stands for', async () => {
      const c = cachedClient(db());
      const { alice, first } = await seed(c.prisma);
      const posts = await c.db.user.findUnique({ where: { id: alice.id } }).posts({ orderBy: { id: 'asc' } });
      expect(posts?.map((p) => p.title)).toEqual(['First', 'Draft']);
      const q0 = c.queries();
      await c.db.user.findUnique({ where: { id: alice.id } }).posts({ orderBy: { id: 'asc' } });
      expect(c.queries()).toBe(q0);
      await c.db.post.update({ where: { id: first.id }, data: { title: 'Renamed' } });
      const again = await c.db.user.findUnique({ where: { id: alice.id } }).posts({ orderBy: { id: 'asc' } });
      expect(again?.map((p) => p.title)).toEqual(['Renamed', 'Draft']);
    });
  });
}
