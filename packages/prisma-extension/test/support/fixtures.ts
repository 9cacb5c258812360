import { CacheService, MemoryBackend } from '@tagcache/core';
import { type CacheExtensionOptions, cacheExtension, prismaSerializer } from '@tagcache/prisma';
import { Prisma } from '../prisma/generated/sqlite/client.js';
import type { BaseClient, CountedClient, TestDatabase } from './databases.js';

/** A cache the way users set it up for Prisma: JSON taught Decimal. */
export function prismaCache(backend = new MemoryBackend()): CacheService {
  return new CacheService({ backend, serializer: prismaSerializer(Prisma), defaultTtl: 300 });
}

/** A cached client on `db`, with its own cache unless one is given. */
export function cachedClient(
  db: TestDatabase,
  options: Partial<CacheExtensionOptions> = {},
): CountedClient & { cache: CacheService; db: ReturnType<typeof extend> } {
  const counted = db.client();
  const cache = options.cache ?? prismaCache();
  return { ...counted, cache, db: extend(counted.prisma, { ...options, cache }) };
}

function extend(prisma: BaseClient, options: CacheExtensionOptions) {
  return prisma.$extends(cacheExtension(options));
}

/** The extended client type the suite works with. */
export type CachedClient = ReturnType<typeof extend>;

/** Alice (with a profile, a manager, two posts, tags, comments) and Bob. */
export async function seed(prisma: BaseClient) {
  const bob = await prisma.user.create({ data: { email: 'bob@example.com', name: 'Bob' } });
  const alice = await prisma.user.create({
    data: {
      email: 'alice@example.com',
      name: 'Alice',
      balance: new Prisma.Decimal('1234.5678'),
      points: 9007199254740993n,
      avatar: new Uint8Array([0, 1, 2, 253, 254, 255]),
      meta: { since: '2020-01-01T00:00:00.000Z', $t: 'Date', nested: { v: [1, 'x', null] } },
      managerId: bob.id,
      profile: { create: { bio: 'hello' } },
      posts: {
        create: [
          {
            title: 'First',
            published: true,
            price: new Prisma.Decimal('9.99'),
            publishedAt: new Date(Date.UTC(2024, 0, 2)),
          },
          { title: 'Draft' },
        ],
      },
    },
    include: { posts: true },
  });
  const [first, draft] = alice.posts;
  const tag = await prisma.tag.create({ data: { name: 'news', posts: { connect: [{ id: first!.id }] } } });
  await prisma.comment.create({ data: { body: 'nice', postId: first!.id, authorId: bob.id } });
  return { alice, bob, first: first!, draft: draft!, tag };
}
