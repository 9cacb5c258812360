import { AsyncLocalStorage } from 'node:async_hooks';
import { Prisma } from '@prisma/client/extension';
import { Decimal, type PrismaPromise, type Sql } from '@prisma/client/runtime/client';
import { CacheUsageError, hashString } from '@tagcache/core';
import { ScopedStorage } from '@tagcache/core/backend';
import { type AccelerateCompat, accelerateCompat } from './accelerate.js';
import { DecimalRevival } from './decimal-revival.js';
import { ModelNames } from './model-names.js';
import type { CachedModelMethods, TransactionMethod } from './model-types.js';
import { QueryHandler, type QueryParams } from './query-handler.js';
import { lazyRawWrite } from './raw-write-promise.js';
import { RelationGraph, type RuntimeDataModel } from './relation-graph.js';
import { RowTags } from './row-tags.js';
import { resolveSettings } from './settings.js';
import { runInScope } from './transactions.js';
import type {
  CacheExtensionOptions,
  InvalidateCacheInput,
  RawCacheOptions,
  RawWriteOptions,
} from './types.js';
import { parseUniqueKeys } from './unique-keys.js';

/** The internals of a Prisma 7 client the extension reads (verified on 7.10; see the README). */
interface ClientInternals {
  _runtimeDataModel?: RuntimeDataModel;
  _engineConfig?: { inlineSchema?: string };
  _globalOmit?: unknown;
  $transaction?: (...args: unknown[]) => Promise<unknown>;
}

/** A client the extension methods can call back into. */
interface RawClient {
  $queryRaw(query: Sql): PromiseLike<unknown>;
  $executeRaw(
    query: Sql,
  ): PromiseLike<number> & { requestTransaction?(batch: unknown): PromiseLike<unknown> };
}

/**
 * The Prisma client extension: cached reads, invalidating writes.
 *
 * @example
 * ```ts
 * const cache = new CacheService({ backend: new MemoryBackend(), serializer: prismaSerializer(Prisma) });
 * const prisma = new PrismaClient({ adapter }).$extends(cacheExtension({ cache, ttl: 60 }));
 * await prisma.user.findMany({ where: { active: true }, cache: { ttl: 30, tags: ['home'] } });
 * await prisma.post.findUnique({ where: { id }, cache: false });
 * ```
 */
export function cacheExtension(options: CacheExtensionOptions) {
  const settings = resolveSettings(options);
  // Enabled only while a `$queryRawCached` runs (an enabled storage costs every promise).
  const rawReads = new ScopedStorage<RawCacheOptions>();
  const rawWrites = new AsyncLocalStorage<RawWriteOptions>();
  const keyContext = options.keyContext;

  return Prisma.defineExtension((client) => {
    const internals = client as unknown as ClientInternals;
    const dataModel = internals._runtimeDataModel;
    if (!dataModel?.models) {
      throw new CacheUsageError(
        'this Prisma client has no runtime data model (Prisma 7 required)',
        'cacheExtension',
      );
    }
    const schemaText = internals._engineConfig?.inlineSchema;
    const graph = new RelationGraph(dataModel, schemaText);
    const names = new ModelNames(dataModel);
    const rows = new RowTags(settings.prefix, names, graph, parseUniqueKeys(schemaText), dataModel);
    const version = options.schemaVersion ?? hashString(schemaText ?? JSON.stringify(dataModel)).slice(0, 10);
    const decimals = new DecimalRevival(dataModel, graph, Decimal);
    decimals.checkRoundTrip(options.cache.serializer); // a serializer that loses Decimal refuses to start
    const handler = new QueryHandler(
      options.cache,
      settings,
      graph,
      names,
      version,
      { omit: internals._globalOmit ?? null },
      typeof keyContext === 'function' ? keyContext : keyContext === undefined ? undefined : () => keyContext,
      rows,
      decimals,
    );
    const originalTransaction = internals.$transaction;
    const rawWrite = (params: unknown): Promise<unknown> =>
      handler.rawWrite(params as QueryParams, rawWrites.getStore());
    const rawRead = async (params: unknown): Promise<unknown> => {
      const declared = rawReads.getStore();
      const p = params as QueryParams;
      return declared ? handler.rawRead(p, declared) : handler.rawQuery(p);
    };

    const accelerate = accelerateCompat(
      (tags) => handler.invalidate(tags),
      () => handler.rows.wide(graph.models),
    );

    return client.$extends({
      name: '@tagcache/prisma',
      model: { $allModels: {} as CachedModelMethods },
      query: {
        $allModels: {
          $allOperations: (params) => handler.modelOperation(params as unknown as QueryParams),
        },
        $executeRaw: rawWrite,
        $executeRawUnsafe: rawWrite,
        $queryRaw: rawRead,
        $queryRawUnsafe: rawRead,
      },
      client: {
        /** Prisma Accelerate's `$accelerate.invalidate({ tags })` and `invalidateAll()`, on this cache. */
        $accelerate: accelerate as AccelerateCompat,
        /** Prisma's `$transaction`; writes inside it invalidate again once it settles. */
        $transaction: function (this: unknown, ...args: unknown[]): Promise<unknown> {
          const self = Prisma.getExtensionContext(this);
          if (typeof originalTransaction !== 'function')
            throw new CacheUsageError('this Prisma client has no $transaction', '$transaction');
          return runInScope(
            () => originalTransaction.apply(self, args),
            (tags) => handler.invalidate(tags, handler.source('$transaction', 'commit')),
          );
        } as TransactionMethod,
        /** Drops the cached reads of `models` and those tagged with `tags`. */
        async $invalidateCache(input: InvalidateCacheInput): Promise<void> {
          const models = handler.models(input.models, 'models');
          const tags = [...handler.rows.wide(models), ...(input.tags ?? [])];
          if (tags.length > 0) await handler.invalidate(tags);
        },
        /**
         * `$queryRaw`, cached: the SQL is opaque, so you declare which models (or tags) it reads;
         * a write to any of them drops the entry.
         */
        async $queryRawCached<R = unknown>(query: Sql, cacheOptions: RawCacheOptions): Promise<R> {
          if ((cacheOptions.models?.length ?? 0) + (cacheOptions.tags?.length ?? 0) === 0) {
            throw new CacheUsageError(
              'declare the models or tags the query depends on',
              '$queryRawCached.models',
            );
          }
          handler.models(cacheOptions.models, 'models'); // unknown names fail here, before the query
          const self = Prisma.getExtensionContext(this) as unknown as RawClient;
          return (await rawReads.run(cacheOptions, async () => self.$queryRaw(query))) as R;
        },
        /** `$executeRaw` that invalidates only the declared models and tags (not every model). */
        $executeRawTouching(query: Sql, touched: RawWriteOptions): PrismaPromise<number> {
          const self = Prisma.getExtensionContext(this) as unknown as RawClient;
          return lazyRawWrite(
            rawWrites,
            touched,
            () => handler.models(touched.models, 'models'), // unknown names fail before the write
            () => self.$executeRaw(query),
          );
        },
      },
    });
  });
}
