import { describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/databases.js';
import { cachedClient, seed } from '../support/fixtures.js';

/** Whether `read` is answered from the cache (no SQL sent). */
async function isCached(c: { queries(): number }, read: () => Promise<unknown>): Promise<boolean> {
  const sent = c.queries();
  await read();
  return c.queries() === sent;
}

/** Issue 15 item 1: reads by a unique key depend on that row; lists on the model. */
export function rowPreciseTests(db: () => TestDatabase): void {
  describe('row-precise invalidation (issue 15)', () => {
    async function catalogue() {
      const c = cachedClient(db());
      const { alice, bob } = await seed(c.prisma);
      const products = [];
      for (let i = 0; i < 4; i++) {
        products.push(await c.prisma.post.create({ data: { title: `P${i}`, authorId: alice.id } }));
      }
      const [p7, p8] = products as [(typeof products)[0], (typeof products)[0]];
      return { c, alice, bob, p7, p8 };
    }

    it('a write to one row keeps the cached reads of other rows; lists and the row itself are fresh', async () => {
      const { c, p7, p8 } = await catalogue();
      const read = (id: number) => () => c.db.post.findUnique({ where: { id } });
      const first = (id: number) => () => c.db.post.findFirst({ where: { id, published: false } });
      const list = () => c.db.post.findMany({ orderBy: { id: 'asc' }, select: { id: true, title: true } });
      for (const r of [read(p7.id), read(p8.id), first(p8.id), list]) await r();
      const hits = c.cache.stats().hits;
      await c.db.post.update({ where: { id: p7.id }, data: { title: 'Seven' } });
      expect(await isCached(c, read(p8.id))).toBe(true);
      expect(await isCached(c, first(p8.id))).toBe(true);
      expect(c.cache.stats().hits).toBe(hits + 2);
      expect((await read(p7.id)())?.title).toBe('Seven');
      expect((await list()).find((p) => p.id === p7.id)?.title).toBe('Seven');
      await c.db.post.delete({ where: { id: p7.id } });
      expect(await isCached(c, read(p8.id))).toBe(true);
      expect(await read(p7.id)()).toBeNull();
      expect((await list()).some((p) => p.id === p7.id)).toBe(false);
    });

    it('a write that changes a unique key invalidates the old and the new value, also a cached null', async () => {
      const { c, alice, bob } = await catalogue();
      const byEmail = (email: string) => () => c.db.user.findUnique({ where: { email } });
      const byId = () => c.db.user.findUnique({ where: { id: alice.id }, select: { email: true } });
      expect(await byEmail('new@example.com')()).toBeNull(); // a cached null
      await byEmail(alice.email)();
      await byId();
      await byEmail(bob.email)();
      await c.db.user.update({ where: { id: alice.id }, data: { email: 'new@example.com' } });
      expect(await byEmail(alice.email)()).toBeNull();
      expect((await byEmail('new@example.com')())?.id).toBe(alice.id);
      expect((await byId())?.email).toBe('new@example.com');
      // By a key the where did not name, with a select that hides it: the old value is unknown.
      await c.db.user.update({
        where: { id: alice.id },
        data: { email: 'third@example.com' },
        select: { id: true },
      });
      expect(await byEmail('new@example.com')()).toBeNull();
      expect((await byEmail('third@example.com')())?.id).toBe(alice.id);
      // Through the key it changes: the where holds the old value.
      await byEmail('third@example.com')();
      await c.db.user.update({
        where: { email: 'third@example.com' },
        data: { email: 'fourth@example.com' },
      });
      expect(await byEmail('third@example.com')()).toBeNull();
      // A create fills a cached null.
      expect(await byEmail('carol@example.com')()).toBeNull();
      await c.db.user.create({ data: { email: 'carol@example.com' } });
      expect((await byEmail('carol@example.com')())?.email).toBe('carol@example.com');
      // Upsert through one key, read through another.
      await c.db.user.upsert({
        where: { email: bob.email },
        create: { email: 'x@example.com' },
        update: { name: 'B' },
      });
      expect((await c.db.user.findUnique({ where: { id: bob.id } }))?.name).toBe('B');
    });

    it('bulk writes, cascades, nested writes and transactions go model-wide', async () => {
      const { c, alice, bob, p7, p8 } = await catalogue();
      const read = (id: number) => () => c.db.post.findUnique({ where: { id } });
      const profile = () => c.db.profile.findUnique({ where: { userId: alice.id } });
      await read(p8.id)();
      await c.db.post.updateMany({ where: { authorId: alice.id }, data: { published: true } });
      expect((await read(p8.id)())?.published).toBe(true);
      await profile();
      await c.db.user.update({ where: { id: alice.id }, data: { profile: { update: { bio: 'nested' } } } });
      expect((await profile())?.bio).toBe('nested');
      // A unique foreign key changed through its relation field: the old value is not in the where.
      const bobsProfile = () => c.db.profile.findUnique({ where: { userId: bob.id } });
      expect(await bobsProfile()).toBeNull();
      const moved = await c.db.profile.findUniqueOrThrow({ where: { userId: alice.id } });
      const erin = await c.db.profile.update({
        where: { id: moved.id },
        data: { user: { create: { email: 'erin@example.com' } } },
      });
      expect(await profile()).toBeNull();
      const erinsProfile = () => c.db.profile.findUnique({ where: { userId: erin.userId } });
      expect((await erinsProfile())?.id).toBe(moved.id);
      await c.db.profile.update({ where: { id: moved.id }, data: { user: { connect: { id: bob.id } } } });
      expect(await erinsProfile()).toBeNull();
      expect((await bobsProfile())?.id).toBe(moved.id);
      await c.db.$transaction(async (tx) => {
        await tx.post.update({ where: { id: p7.id }, data: { title: 'in tx' } });
      });
      expect(await isCached(c, read(p8.id))).toBe(true);
      expect((await read(p7.id)())?.title).toBe('in tx');
      // A rolled back write leaves the row as it was.
      await expect(
        c.db.$transaction(async (tx) => {
          await tx.post.update({ where: { id: p8.id }, data: { title: 'rolled back' } });
          await read(p8.id)(); // outside the transaction: the committed row, not cached over
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect((await read(p8.id)())?.title).toBe(p8.title);
      // Deleting the author cascades to the posts: every row read of Post.
      const bobsPost = await c.prisma.post.create({ data: { title: 'Bob', authorId: bob.id } });
      await read(bobsPost.id)();
      const aliceRow = () => c.db.user.findUnique({ where: { id: alice.id } });
      expect((await aliceRow())?.managerId).toBe(bob.id);
      await c.db.user.delete({ where: { id: bob.id } });
      expect(await read(bobsPost.id)()).toBeNull();
      // ...and sets the managerId of the rows that pointed at it (a self-relation: other rows of User).
      expect((await aliceRow())?.managerId).toBeNull();
      // Moving a post to another author through the author's side (a nested write).
      await read(p8.id)();
      const dave = await c.db.user.create({
        data: { email: 'dave@example.com', posts: { connect: { id: p8.id } } },
      });
      expect((await read(p8.id)())?.authorId).toBe(dave.id);
      await c.db.user.update({ where: { id: dave.id }, data: { reports: { connect: { id: alice.id } } } });
      expect((await aliceRow())?.managerId).toBe(dave.id);
    });
  });
}
