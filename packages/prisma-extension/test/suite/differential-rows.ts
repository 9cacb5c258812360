import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BaseClient, TestDatabase } from '../support/databases.js';
import { type CachedClient, cachedClient, seed } from '../support/fixtures.js';

interface Ids {
  readonly users: readonly number[];
  readonly posts: readonly number[];
  readonly profiles: readonly number[];
}

const EMAILS = ['alice@example.com', 'bob@example.com', 'a@x.io', 'b@x.io'];
const pick = <T>(list: readonly T[], n: number): T => list[n % list.length]!;

/** Reads of one row (by id, by another unique key, pinned `findFirst`) and over many rows. */
function reads(client: CachedClient | BaseClient, ids: Ids) {
  const c = client as BaseClient;
  return [
    ...ids.posts.map((id) => () => c.post.findUnique({ where: { id } })),
    ...EMAILS.map((email) => () => c.user.findUnique({ where: { email } })),
    ...ids.users.map(
      (id) => () => c.user.findUnique({ where: { id }, select: { email: true, managerId: true } }),
    ),
    () => c.post.findFirst({ where: { id: ids.posts[1]!, published: true } }),
    () => c.post.findMany({ orderBy: { id: 'asc' }, select: { id: true, title: true, authorId: true } }),
    () => c.user.findUnique({ where: { id: ids.users[1]! }, include: { posts: { orderBy: { id: 'asc' } } } }),
    ...ids.users.map((userId) => () => c.profile.findUnique({ where: { userId } })),
  ];
}

/** Writes of one row (in and out of transactions, changing unique keys), nested, bulk, cascading. */
const WRITES: ((c: CachedClient, ids: Ids, a: number, b: number) => Promise<unknown>)[] = [
  (c, ids, a, b) => c.post.update({ where: { id: pick(ids.posts, a) }, data: { title: `T${b}` } }),
  (c, ids, a, b) =>
    c.post.update({ where: { id: pick(ids.posts, a) }, data: { authorId: pick(ids.users, b) } }),
  (c, ids, a) => c.post.delete({ where: { id: pick(ids.posts, a) } }),
  (c, ids, a) => c.post.create({ data: { title: 'New', authorId: pick(ids.users, a) } }),
  (c, ids, a, b) => c.user.update({ where: { id: pick(ids.users, a) }, data: { email: pick(EMAILS, b) } }),
  (c, _ids, a, b) => c.user.update({ where: { email: pick(EMAILS, a) }, data: { email: pick(EMAILS, b) } }),
  (c, ids, a, b) =>
    c.user.update({
      where: { id: pick(ids.users, a) },
      data: { email: pick(EMAILS, b) },
      select: { id: true },
    }),
  (c, _ids, a, b) =>
    c.user.upsert({
      where: { email: pick(EMAILS, a) },
      create: { email: pick(EMAILS, b) },
      update: { name: `U${b}` },
    }),
  (c, ids, a, b) =>
    c.user.update({
      where: { id: pick(ids.users, a) },
      data: { posts: { connect: { id: pick(ids.posts, b) } } },
    }),
  (c, ids, a, b) =>
    c.user.update({
      where: { id: pick(ids.users, a) },
      data: { profile: { upsert: { create: { bio: `B${b}` }, update: { bio: `B${b}` } } } },
    }),
  (c, ids, a, b) =>
    c.$transaction(async (tx) => {
      await tx.post.update({ where: { id: pick(ids.posts, a) }, data: { title: `X${b}` } });
      if (b % 2 === 0) throw new Error('roll back');
    }),
  (c, ids, a) =>
    c.post.updateMany({ where: { authorId: pick(ids.users, a) }, data: { published: a % 2 === 0 } }),
  (c, ids, a) =>
    c.user.update({ where: { id: pick(ids.users, a) }, data: { manager: { disconnect: true } } }),
  (c, ids, a, b) =>
    c.user.update({
      where: { id: pick(ids.users, a) },
      data: { reports: { connect: { id: pick(ids.users, b) } } },
    }),
  (c, ids, a, b) =>
    c.profile.update({
      where: { id: pick(ids.profiles, a) },
      data: { user: { connect: { id: pick(ids.users, b) } } },
    }),
  (c, _ids, a) => c.user.delete({ where: { email: pick(EMAILS, a) } }),
];

const step = fc.record({
  write: fc.nat({ max: WRITES.length - 1 }),
  a: fc.nat({ max: 7 }),
  b: fc.nat({ max: 7 }),
});

/**
 * Randomized differential for row-precise invalidation (issue 15): one-row writes to some rows,
 * then reads of those rows and of others, by id and by other unique keys (cached nulls too),
 * with unique keys changed, rows moved between relations, upserts, bulk writes, cascades and
 * transactions that commit or roll back. After every write, every read (all of them cached
 * before it) equals the database.
 */
export function rowDifferentialTests(db: () => TestDatabase): void {
  describe('randomized differential, row-precise', () => {
    it('reads of written and unwritten rows equal the database after any sequence of writes', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 3, maxLength: 10 }), async (steps) => {
          await db().reset();
          const c = cachedClient(db());
          const { alice, bob } = await seed(c.prisma);
          const extra = [];
          for (let i = 0; i < 2; i++)
            extra.push(await c.prisma.post.create({ data: { title: `P${i}`, authorId: bob.id } }));
          const posts = (await c.prisma.post.findMany({ orderBy: { id: 'asc' } })).map((p) => p.id);
          const profiles = [(await c.prisma.profile.create({ data: { bio: 'b', userId: bob.id } })).id];
          profiles.push(
            ...(await c.prisma.profile.findMany({ where: { userId: alice.id } })).map((p) => p.id),
          );
          const ids = { users: [alice.id, bob.id], posts, profiles };
          const cached = reads(c.db, ids);
          const plain = reads(c.prisma, ids);
          const check = async () => {
            for (const [i, read] of cached.entries()) expect(await read()).toEqual(await plain[i]!());
          };
          await check();
          for (const s of steps) {
            await WRITES[s.write]!(c.db, ids, s.a, s.b).catch(() => undefined); // refused writes change nothing
            await check();
          }
        }),
        { numRuns: 10 },
      );
    }, 300_000);
  });
}
