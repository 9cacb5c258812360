/**
 * The clients the Prisma scenario compares, all extended from one base client (same connection
 * pool): uncached, tagcache on memory and on Redis, prisma-extension-redis, and a naive
 * extension keeping `JSON.stringify`ed results in a Map (the limit of a serialized in-memory hit).
 * Each counts its misses so the scenario can check that it measures hits.
 */
import { CacheService, MemoryBackend, RedisBackend } from '@tagcache/core';
import { cacheExtension, prismaSerializer } from '@tagcache/prisma';
import { Redis } from 'ioredis';
import { PrismaExtensionRedis } from 'prisma-extension-redis';
import type { BaseClient, BenchDatabase } from './prisma-db.js';

/** What the scenario calls on every client: two reads of `Post`. */
export interface PostReads {
  readonly post: {
    findUnique(args: { where: { id: number } }): PromiseLike<unknown>;
    findMany(args: {
      where: { id: { gte: number } };
      orderBy: { id: 'asc' };
      take: number;
      include: { comments: true };
    }): PromiseLike<unknown>;
  };
}

/** One client under test. */
export interface BenchClient {
  readonly name: string;
  readonly reference?: boolean;
  readonly client: PostReads;
  /** Reads answered by the database so far (undefined: every read is). */
  misses(): number | undefined;
  /** Cache failures so far (each one sends a read to the database). */
  errors(): number;
  close(): Promise<void>;
}

/**
 * Builds the five clients on `db`; `redisUrl` is a Redis this run owns (flushed by the caller).
 * Waits until both Redis clients are connected: a client still connecting while SQLite's
 * synchronous queries hold the event loop (warming the memory caches) can see its connect
 * timeout fire first, and tagcache's circuit breaker would then open for the whole warm-up.
 */
export async function benchClients(db: BenchDatabase, redisUrl: string): Promise<BenchClient[]> {
  const base = db.prisma;
  const serializer = prismaSerializer(db.Prisma);
  const memory = new CacheService({
    backend: new MemoryBackend({ maxEntries: 50_000 }),
    serializer,
    defaultTtl: '1h',
  });
  const redis = new CacheService({
    backend: new RedisBackend({ url: redisUrl }),
    serializer,
    defaultTtl: '1h',
    prefix: `bench-prisma-${db.name}:`,
  });
  const perClient = new Redis(redisUrl);
  let perMisses = 0;
  let perErrors = 0;
  const per = base.$extends(
    PrismaExtensionRedis({
      config: {
        type: 'STRING', // Redis 7 without the RedisJSON module
        ttl: 3_600,
        stale: 60,
        auto: { ttl: 3_600, stale: 60 },
        onMiss: () => {
          perMisses++;
        },
        onError: () => {
          perErrors++;
        },
      },
      client: perClient,
    }),
  );
  const health = await redis.health();
  if (!health.healthy) throw new Error(`tagcache Redis backend is not healthy: ${health.error?.message}`);
  await perClient.ping();
  const naive = naiveJsonMap(base);
  return [
    {
      name: 'uncached Prisma',
      reference: true,
      client: base,
      misses: () => undefined,
      errors: () => 0,
      close: async () => {},
    },
    {
      name: 'tagcache memory',
      client: base.$extends(cacheExtension({ cache: memory })) as unknown as PostReads,
      misses: () => memory.stats().misses,
      errors: () => memory.stats().errors,
      close: () => memory.close(),
    },
    {
      name: 'tagcache Redis',
      client: base.$extends(cacheExtension({ cache: redis })) as unknown as PostReads,
      misses: () => redis.stats().misses,
      errors: () => redis.stats().errors,
      close: () => redis.close(),
    },
    {
      name: 'prisma-extension-redis',
      client: per as unknown as PostReads,
      misses: () => perMisses,
      errors: () => perErrors,
      close: async () => {
        perClient.disconnect();
      },
    },
    {
      name: 'naive JSON Map (limit)',
      client: naive.client,
      misses: naive.misses,
      errors: () => 0,
      close: async () => {},
    },
  ];
}

/**
 * The least a serializing in-memory cache can do: key = model, operation and
 * `JSON.stringify(args)`; a hit is one `Map.get` and one `JSON.parse`. No tags, no TTL, no
 * invalidation, and Dates and Decimals come back as strings.
 */
function naiveJsonMap(base: BaseClient): { client: PostReads; misses: () => number } {
  const store = new Map<string, string>();
  let misses = 0;
  const cached = async (
    model: string,
    operation: string,
    args: unknown,
    query: (args: unknown) => PromiseLike<unknown>,
  ): Promise<unknown> => {
    const key = `${model}:${operation}:${JSON.stringify(args)}`;
    const hit = store.get(key);
    if (hit !== undefined) return JSON.parse(hit);
    misses++;
    const result = await query(args);
    store.set(key, JSON.stringify(result));
    return result;
  };
  const client = base.$extends({
    name: 'naive-json-map',
    query: {
      $allModels: {
        findUnique: ({ model, operation, args, query }) =>
          cached(model, operation, args, query as (a: unknown) => PromiseLike<unknown>),
        findMany: ({ model, operation, args, query }) =>
          cached(model, operation, args, query as (a: unknown) => PromiseLike<unknown>),
      },
    },
  });
  return { client: client as unknown as PostReads, misses: () => misses };
}
