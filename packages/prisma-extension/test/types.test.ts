import { type AccelerateInfo, accelerateInfoExtension } from '@tagcache/prisma';
import { describe, expectTypeOf, it } from 'vitest';
import type { Prisma } from './prisma/generated/sqlite/client.js';
import type { CachedClient } from './support/fixtures.js';

type User = Prisma.UserGetPayload<Record<string, never>>;
type Post = Prisma.PostGetPayload<Record<string, never>>;
type Deep = Prisma.UserGetPayload<{
  include: { posts: { include: { comments: { include: { author: { include: { profile: true } } } } } } };
}>;

/** Issue 15 item 4: fluent calls and nested includes keep their types with `cache` and `cacheStrategy`. */
function deepTypeChecks(db: CachedClient): void {
  const include = {
    posts: { include: { comments: { include: { author: { include: { profile: true } } } } } },
  } as const;
  expectTypeOf(
    db.user.findUniqueOrThrow({ where: { id: 1 }, include, cache: { ttl: 5 } }),
  ).resolves.toEqualTypeOf<Deep>();
  expectTypeOf(db.user.findMany({ include, cacheStrategy: { ttl: 60, tags: ['t'] } })).resolves.toEqualTypeOf<
    Deep[]
  >();
  const deep = db.user.findFirstOrThrow({ include, cache: true });
  void deep.then((u) => {
    expectTypeOf(u.posts[0]!.comments[0]!.author!.profile).toEqualTypeOf<{
      id: number;
      bio: string;
      userId: number;
    } | null>();
    // @ts-expect-error: the third level has no field that was not included
    void u.posts[0]!.comments[0]!.author!.posts;
  });
  // The fluent API, with both options, one and two levels deep.
  expectTypeOf(
    db.user.findUnique({ where: { id: 1 }, cacheStrategy: { ttl: 60 } }).posts(),
  ).resolves.toEqualTypeOf<Post[] | null>();
  expectTypeOf(
    db.post.findUniqueOrThrow({ where: { id: 1 }, cache: { ttl: 5 } }).author(),
  ).resolves.toEqualTypeOf<User>();
  expectTypeOf(
    db.post.findFirst({ cacheStrategy: { ttl: 1 } }).author({ include: { profile: true } }),
  ).resolves.toEqualTypeOf<Prisma.UserGetPayload<{ include: { profile: true } }> | null>();
  const fluent = db.user.findUnique({ where: { id: 1 }, cache: true }).posts();
  // @ts-expect-error: fluent results are not `any`
  expectTypeOf(fluent).resolves.toEqualTypeOf<User[] | null>();
  // @ts-expect-error: no such relation
  db.user.findUnique({ where: { id: 1 }, cache: true }).tags();

  // .withAccelerateInfo(), once accelerateInfoExtension() is applied.
  const accel = db.$extends(accelerateInfoExtension());
  expectTypeOf(
    accel.user.findMany({ include, cacheStrategy: { ttl: 60 } }).withAccelerateInfo(),
  ).resolves.toEqualTypeOf<{ readonly data: Deep[]; readonly info: AccelerateInfo }>();
  expectTypeOf(accel.user.count({ cacheStrategy: { ttl: 60 } }).withAccelerateInfo()).resolves.toEqualTypeOf<{
    readonly data: number;
    readonly info: AccelerateInfo;
  }>();
  expectTypeOf<AccelerateInfo['cacheStatus']>().toEqualTypeOf<'ttl' | 'swr' | 'miss' | 'none'>();
  expectTypeOf(
    accel.user.findUnique({ where: { id: 1 }, cacheStrategy: { ttl: 60 } }).posts(),
  ).resolves.toEqualTypeOf<Post[] | null>();
  expectTypeOf(accel.user.findMany({ cacheStrategy: { ttl: 60 } })).resolves.toEqualTypeOf<User[]>();
  void accel.user
    .findUnique({ where: { id: 1 }, cacheStrategy: { ttl: 60 } })
    .withAccelerateInfo()
    .then(({ data, info }) => {
      expectTypeOf(data).toEqualTypeOf<User | null>();
      expectTypeOf(info.lastModified).toEqualTypeOf<Date>();
      // @ts-expect-error: data is not a list
      void data?.length;
    });
  // @ts-expect-error: without accelerateInfoExtension() there is no withAccelerateInfo
  db.user.findMany({ cacheStrategy: { ttl: 60 } }).withAccelerateInfo();
  // @ts-expect-error: the info layer keeps Prisma's argument checks
  accel.user.findMany({ cacheStrategy: { ttl: '1m' } });
}

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
    expectTypeOf(deepTypeChecks).toBeFunction();
  });
});
