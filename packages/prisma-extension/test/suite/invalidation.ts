import { describe, expect, it } from 'vitest';
import { Prisma } from '../prisma/generated/sqlite/client.js';
import type { TestDatabase } from '../support/databases.js';
import { cachedClient, seed } from '../support/fixtures.js';

/** Runs `read` twice around `write`: the second result must show the write. */
async function freshAfter<T>(read: () => Promise<T>, write: () => Promise<unknown>): Promise<[T, T]> {
  const before = await read();
  await read(); // now certainly cached
  await write();
  return [before, await read()];
}

/** Whether `read` is answered from the cache (no query). */
async function isCached(c: { queries(): number }, read: () => Promise<unknown>): Promise<boolean> {
  const q0 = c.queries();
  await read();
  return c.queries() === q0;
}

/** Reads depend on every model they touch; writes invalidate every model they change. */
export function invalidationTests(db: () => TestDatabase): void {
  describe('invalidation', () => {
    it('include, select and _count at any depth follow writes to related models', async () => {
      const c = cachedClient(db());
      const { alice, first } = await seed(c.prisma);
      const deep = () =>
        c.db.user.findUnique({
          where: { id: alice.id },
          select: {
            posts: { select: { comments: { select: { body: true } } } },
            _count: { select: { posts: true } },
          },
        });
      const [, after] = await freshAfter(deep, () =>
        c.db.comment.create({ data: { body: 'new', postId: first.id } }),
      );
      expect(after?.posts.flatMap((p) => p.comments.map((x) => x.body)).sort()).toEqual(['new', 'nice']);
      const counted = () => c.db.user.findMany({ include: { _count: true }, orderBy: { id: 'asc' } });
      const [b, a] = await freshAfter(counted, () =>
        c.db.comment.create({ data: { body: 'b', postId: first.id, authorId: alice.id } }),
      );
      const mine = (users: typeof b) => users.find((u) => u.id === alice.id)?._count.comments;
      expect([mine(b), mine(a)]).toEqual([0, 1]);
    });

    it('relation filters in where, at any depth, follow writes to the filtered models', async () => {
      const c = cachedClient(db());
      const { bob, draft } = await seed(c.prisma);
      const read = () =>
        c.db.user.findMany({ where: { posts: { some: { comments: { some: { body: 'wow' } } } } } });
      const [before, after] = await freshAfter(read, () =>
        c.db.comment.create({ data: { body: 'wow', postId: draft.id, authorId: bob.id } }),
      );
      expect(before).toHaveLength(0);
      expect(after).toHaveLength(1);
      const managed = () => c.db.user.count({ where: { manager: { is: { name: 'Robert' } } } });
      const [m0, m1] = await freshAfter(managed, () =>
        c.db.user.update({ where: { id: bob.id }, data: { name: 'Robert' } }),
      );
      expect([m0, m1]).toEqual([0, 1]);
    });

    it('nested writes invalidate the models they name', async () => {
      const c = cachedClient(db());
      const { alice } = await seed(c.prisma);
      const [p0, p1] = await freshAfter(
        () => c.db.post.count(),
        () => c.db.user.update({ where: { id: alice.id }, data: { posts: { create: { title: 'Nested' } } } }),
      );
      expect(p1).toBe(p0 + 1);
      const [t0, t1] = await freshAfter(
        () => c.db.tag.count(),
        () =>
          c.db.user.update({
            where: { id: alice.id },
            data: {
              posts: {
                create: {
                  title: 'Deep',
                  tags: { connectOrCreate: { where: { name: 'deep' }, create: { name: 'deep' } } },
                },
              },
            },
          }),
      );
      expect(t1).toBe(t0 + 1);
    });

    it('connect from the other side invalidates the model holding the foreign key', async () => {
      const c = cachedClient(db());
      const { bob, draft } = await seed(c.prisma);
      const [before, after] = await freshAfter(
        () => c.db.post.findMany({ where: { authorId: bob.id } }),
        () => c.db.user.update({ where: { id: bob.id }, data: { posts: { connect: { id: draft.id } } } }),
      );
      expect([before.length, after.length]).toEqual([0, 1]);
      const [pr0, pr1] = await freshAfter(
        () => c.db.profile.findMany({ where: { userId: bob.id } }),
        () => c.db.user.update({ where: { id: bob.id }, data: { profile: { create: { bio: 'bob' } } } }),
      );
      expect([pr0.length, pr1.length]).toEqual([0, 1]);
    });

    it('many-to-many changes invalidate both sides', async () => {
      const c = cachedClient(db());
      const { first, draft, tag } = await seed(c.prisma);
      const tagSide = () => c.db.tag.findUnique({ where: { id: tag.id }, include: { posts: true } });
      const postSide = () => c.db.post.findUnique({ where: { id: draft.id }, include: { tags: true } });
      await tagSide();
      await postSide();
      await c.db.post.update({ where: { id: draft.id }, data: { tags: { connect: { id: tag.id } } } });
      expect((await tagSide())?.posts).toHaveLength(2);
      expect((await postSide())?.tags).toHaveLength(1);
      await c.db.tag.update({ where: { id: tag.id }, data: { posts: { set: [{ id: first.id }] } } });
      expect((await postSide())?.tags).toHaveLength(0);
    });

    it('deletes follow Cascade and SetNull, and leave unrelated models cached', async () => {
      const c = cachedClient(db());
      const { alice, bob } = await seed(c.prisma);
      await c.db.setting.create({ data: { key: 'k', value: 'v' } });
      const comments = () => c.db.comment.findMany({ orderBy: { id: 'asc' } });
      const profiles = () => c.db.profile.count();
      const reports = () => c.db.user.findMany({ where: { managerId: bob.id } });
      const settings = () => c.db.setting.findMany();
      for (const read of [comments, profiles, reports, settings]) await read();
      // Bob wrote the comment (SetNull) and manages Alice (SetNull); his delete touches both.
      await c.db.user.delete({ where: { id: bob.id } });
      expect((await comments())[0]?.authorId).toBeNull();
      expect(await reports()).toHaveLength(0);
      expect(await isCached(c, settings)).toBe(true);
      // Alice's delete cascades to her profile, her posts and their comments.
      await c.db.user.deleteMany({ where: { id: alice.id } });
      expect(await profiles()).toBe(0);
      expect(await comments()).toHaveLength(0);
      expect(await isCached(c, settings)).toBe(true);
    });

    it('a tag delete touches only what references tags; an update of a referenced key cascades', async () => {
      const c = cachedClient(db());
      const { alice, tag } = await seed(c.prisma);
      const comments = () => c.db.comment.findMany();
      await comments();
      await c.db.tag.delete({ where: { id: tag.id } });
      expect(await isCached(c, comments)).toBe(true);
      const posts = () => c.db.post.findMany({ select: { authorId: true } });
      const [before, after] = await freshAfter(posts, () =>
        c.db.user.update({ where: { id: alice.id }, data: { id: 5000 } }),
      );
      expect(before.every((p) => p.authorId === alice.id)).toBe(true);
      expect(after.every((p) => p.authorId === 5000)).toBe(true);
    });

    it('a failed write invalidates nothing', async () => {
      const c = cachedClient(db());
      const { alice } = await seed(c.prisma);
      const read = () => c.db.user.findMany();
      await read();
      let invalidations = 0;
      c.cache.on('invalidate', () => invalidations++);
      await expect(c.db.user.create({ data: { email: alice.email } })).rejects.toMatchObject({
        code: 'P2002',
      });
      expect(invalidations).toBe(0);
      expect(await isCached(c, read)).toBe(true);
    });

    it('$executeRaw invalidates every model unless told which; $queryRaw is cached only on request', async () => {
      const c = cachedClient(db());
      await seed(c.prisma);
      await c.db.setting.create({ data: { key: 'k', value: 'v' } });
      const settings = () => c.db.setting.findMany();
      const [, all] = await freshAfter(
        settings,
        () => c.db.$executeRaw`UPDATE "Setting" SET "value" = 'raw'`,
      );
      expect(all[0]?.value).toBe('raw');
      const users = () => c.db.user.count();
      await users();
      await c.db.$executeRawTouching(Prisma.sql`UPDATE "Setting" SET "value" = 'again'`, {
        models: ['Setting'],
      });
      expect(await isCached(c, users)).toBe(true);
      expect((await settings())[0]?.value).toBe('again');
      const raw = () =>
        c.db.$queryRawCached<{ n: unknown }[]>(Prisma.sql`SELECT COUNT(*) AS n FROM "User"`, {
          models: ['User'],
        });
      await raw();
      expect(await isCached(c, raw)).toBe(true);
      await c.db.user.create({ data: { email: 'raw@example.com' } });
      expect(await isCached(c, raw)).toBe(false);
      const plain = () => c.db.$queryRaw`SELECT 1 AS one`;
      await plain();
      expect(await isCached(c, plain)).toBe(false);
      await expect(c.db.$queryRawCached(Prisma.sql`SELECT 1`, {})).rejects.toThrow(TypeError);
    });
  });
}
