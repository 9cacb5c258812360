import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prisma } from '../prisma/generated/sqlite/client.js';
import type { BaseClient, TestDatabase } from '../support/databases.js';
import { type CachedClient, cachedClient, seed } from '../support/fixtures.js';

type Step = { readonly kind: 'read'; readonly read: number; readonly twice: boolean } | Write;
type Write =
  | { readonly kind: 'rename'; readonly name: string }
  | { readonly kind: 'meta'; readonly meta: 'json-null' | 'db-null' | 'object' }
  | { readonly kind: 'post' }
  | { readonly kind: 'raw-dml'; readonly sql: 'update' | 'insert' | 'delete'; readonly tx: boolean }
  | { readonly kind: 'silent'; readonly name: string }
  | { readonly kind: 'invalidate'; readonly tag: 'feed' | 'home' };

/** The reads tagged `feed` and `home` (indexes into {@link reads}). */
const TAGGED = { feed: 5, home: 6 } as const;

/** Reads the cache must answer exactly as the database does, whatever happened before. */
function reads(client: CachedClient | BaseClient, ids: { alice: number }, cached: boolean) {
  const c = client as BaseClient;
  /** Per-read tags (the cached client only: a plain client refuses the option). */
  const tagged = (tags: string[]): object => (cached ? { cacheStrategy: { tags } } : {});
  const byId = { orderBy: { id: 'asc' as const } };
  return [
    () => c.user.findMany({ where: { meta: { equals: Prisma.JsonNull } }, select: { id: true }, ...byId }),
    () => c.user.findMany({ where: { meta: { equals: Prisma.DbNull } }, select: { id: true }, ...byId }),
    () => c.user.findMany({ where: { meta: { equals: Prisma.AnyNull } }, select: { id: true }, ...byId }),
    () => c.user.findUnique({ where: { id: ids.alice } }).posts(byId),
    () => c.user.findUnique({ where: { id: ids.alice }, select: { posts: byId } }),
    () => c.user.findUnique({ where: { id: ids.alice }, ...(tagged(['feed']) as { cacheStrategy?: never }) }),
    () => c.user.findUnique({ where: { id: ids.alice }, ...(tagged(['home']) as { cacheStrategy?: never }) }),
    () => c.post.count({ where: { authorId: ids.alice } }),
  ];
}

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      read: fc.nat({ max: 7 }),
      twice: fc.boolean(),
    }),
  },
  fc.record({ kind: fc.constant('rename' as const), name: fc.constantFrom('A', 'B', 'C') }),
  fc.record({ kind: fc.constant('meta' as const), meta: fc.constantFrom('json-null', 'db-null', 'object') }),
  fc.record({ kind: fc.constant('post' as const) }),
  fc.record({
    kind: fc.constant('raw-dml' as const),
    sql: fc.constantFrom('update' as const, 'insert' as const, 'delete' as const),
    tx: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('silent' as const), name: fc.constantFrom('S1', 'S2') }),
  fc.record({
    kind: fc.constant('invalidate' as const),
    tag: fc.constantFrom('feed' as const, 'home' as const),
  }),
);

/**
 * Randomized differential: sequences of reads (Json null filters, fluent calls and their
 * `select` twins, per-read tags, concurrent identical reads) and writes (model writes, raw DML
 * through `$queryRaw` in and out of transactions, tag invalidations) through a cached client;
 * after every step each read equals the same read on a plain client, and concurrent identical
 * reads get distinct objects. A "silent" raw write declares only a tag nobody reads: the tagged
 * reads may then be stale until their own tag is invalidated, and must be fresh once it is.
 */
export function differentialTests(db: () => TestDatabase): void {
  describe('randomized differential against a plain client', () => {
    it('every cached read equals the database after any sequence of reads and writes', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 10, maxLength: 30 }), async (steps) => {
          await db().reset();
          const c = cachedClient(db());
          const { alice } = await seed(c.prisma);
          const cached = reads(c.db, { alice: alice.id }, true);
          const plain = reads(c.prisma, { alice: alice.id }, false);
          /** Tagged reads a silent write left stale, until their tag is invalidated. */
          const dirty = new Set<number>();
          for (const s of steps) {
            if (s.kind === 'read') {
              const results = await Promise.all(
                Array.from({ length: s.twice ? 2 : 1 }, () => cached[s.read]!()),
              );
              const truth = await plain[s.read]!();
              if (dirty.has(s.read)) continue;
              for (const r of results) expect(r).toEqual(truth);
              if (s.twice && typeof results[0] === 'object' && results[0] !== null) {
                expect(results[0]).not.toBe(results[1]);
              }
              continue;
            }
            await write(c, alice.id, s);
            if (s.kind === 'silent') for (const read of Object.values(TAGGED)) dirty.add(read);
            else if (s.kind === 'invalidate') dirty.delete(TAGGED[s.tag]);
            else if (s.kind !== 'post') dirty.clear(); // the write invalidated every read of User
          }
        }),
        { numRuns: 20 },
      );
    }, 240_000);
  });
}

async function write(c: ReturnType<typeof cachedClient>, alice: number, s: Write): Promise<void> {
  switch (s.kind) {
    case 'rename':
      await c.db.user.update({ where: { id: alice }, data: { name: s.name } });
      return;
    case 'meta': {
      const meta = s.meta === 'json-null' ? Prisma.JsonNull : s.meta === 'db-null' ? Prisma.DbNull : { v: 1 };
      await c.db.user.update({ where: { id: alice }, data: { meta } });
      return;
    }
    case 'post':
      await c.db.post.create({ data: { title: 'More', authorId: alice } });
      return;
    case 'raw-dml': {
      const dml = (client: BaseClient) => {
        if (s.sql === 'update')
          return client.$queryRaw`UPDATE "User" SET "name" = 'Raw' || "id" WHERE "id" = ${alice} RETURNING "id"`;
        if (s.sql === 'insert')
          return client.$queryRaw`INSERT INTO "Post" ("title", "authorId") VALUES ('Raw', ${alice}) RETURNING "id"`;
        return client.$queryRaw`DELETE FROM "Post" WHERE "id" = (SELECT MAX("id") FROM "Post") RETURNING "id"`;
      };
      if (s.tx) await c.db.$transaction((tx) => dml(tx as unknown as BaseClient));
      else await dml(c.db as unknown as BaseClient);
      return;
    }
    case 'silent':
      await c.db.$executeRawTouching(Prisma.sql`UPDATE "User" SET "name" = ${s.name} WHERE "id" = ${alice}`, {
        tags: ['silent'],
      });
      return;
    case 'invalidate':
      await c.db.$invalidateCache({ tags: [s.tag] });
  }
}
