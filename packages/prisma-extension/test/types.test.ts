import { describe, expectTypeOf, it } from 'vitest';
import type { Prisma } from './prisma/generated/sqlite/client.js';
import type { CachedClient } from './support/fixtures.js';

type User = Prisma.UserGetPayload<Record<string, never>>;

/** Never called: `tsc` checks these lines (the root tsconfig includes packages/*\/test). */
function typeChecks(db: CachedClient): void {
  // The option is accepted on every read, and the result type is Prisma's own.
  expectTypeOf(
    db.user.findUnique({ where: { id: 1 }, cache: { ttl: 60, swr: 10, tags: ['a'], key: 'k' } }),
  ).resolves.toEqualTypeOf<User | null>();
  expectTypeOf(db.user.findMany({ cache: false })).resolves.toEqualTypeOf<User[]>();
  expectTypeOf(
    db.user.findFirstOrThrow({ cacheStrategy: { ttl: 60, swr: 60, tags: ['x'] } }),
  ).resolves.toEqualTypeOf<User>();
  expectTypeOf(db.user.count({ cache: true })).resolves.toEqualTypeOf<number>();
  expectTypeOf(db.post.findMany({ select: { title: true }, cache: { ttl: '5m' } })).resolves.toEqualTypeOf<
    { title: string }[]
  >();
  expectTypeOf(
    db.user.findUniqueOrThrow({ where: { id: 1 }, include: { posts: true } }),
  ).resolves.toHaveProperty('posts');
  db.user.aggregate({ _count: true, cache: { ttl: 1 } });
  db.post.groupBy({ by: ['authorId'], cache: { ttl: 1 } });
  // The fluent API keeps its types.
  expectTypeOf(db.user.findUnique({ where: { id: 1 }, cache: { ttl: 5 } }).posts()).resolves.toEqualTypeOf<
    Prisma.PostGetPayload<Record<string, never>>[] | null
  >();
  // The tx client has it too, and $transaction keeps its result types.
  void db
    .$transaction(async (tx) => {
      expectTypeOf(await tx.user.findMany({ cache: false })).toEqualTypeOf<User[]>();
      return 1;
    })
    .then((n) => expectTypeOf(n).toEqualTypeOf<number>());
  void db
    .$transaction([db.user.count(), db.post.findMany()])
    .then(([n]) => expectTypeOf(n).toEqualTypeOf<number>());

  // @ts-expect-error: misspelled option
  db.user.findMany({ cahce: { ttl: 1 } });
  // @ts-expect-error: unknown field in the cache options
  db.user.findMany({ cache: { tll: 1 } });
  // @ts-expect-error: ttl must be a duration
  db.user.findMany({ cache: { ttl: {} } });
  // @ts-expect-error: no cache option on writes
  db.user.create({ data: { email: 'x' }, cache: false });
  // @ts-expect-error: no cache option on writes
  db.post.deleteMany({ cacheStrategy: { ttl: 1 } });
  // @ts-expect-error: Prisma's own argument checks still apply
  db.user.findUnique({ where: { id: 'one' }, cache: true });
}

describe('types', () => {
  it('are checked by tsc (see typeChecks)', () => {
    expectTypeOf(typeChecks).toBeFunction();
  });
});
