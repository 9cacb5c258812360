import type { CacheService, Duration } from '@tagcache/core';

/** The read operations the extension can cache. */
export type CachedOperation =
  | 'findUnique'
  | 'findUniqueOrThrow'
  | 'findFirst'
  | 'findFirstOrThrow'
  | 'findMany'
  | 'count'
  | 'aggregate'
  | 'groupBy';

/** The read operations, as a list. */
export const CACHED_OPERATIONS: readonly CachedOperation[] = [
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'count',
  'aggregate',
  'groupBy',
];

/** Options of one cached read (`cache: { ... }`). */
export interface QueryCacheOptions {
  /** Time to live in seconds (or a duration string such as `'5m'`). Default: the extension's `ttl`. */
  readonly ttl?: Duration;
  /** Stale-while-revalidate window after `ttl`, in seconds or a duration string. */
  readonly swr?: Duration;
  /** Extra tags; `prisma.$invalidateCache({ tags })` or `cache.invalidateTags(tags)` drops them. */
  readonly tags?: readonly string[];
  /** A key of your own instead of the hash of the arguments (still namespaced by model and operation). */
  readonly key?: string;
}

/** Prisma Accelerate's option shape, accepted as an alias of `cache` (`ttl` and `swr` in seconds). */
export interface CacheStrategy {
  readonly ttl?: number;
  readonly swr?: number;
  readonly tags?: readonly string[];
}

/** What a read accepts: `cache: false` skips the cache, `true` or options opt in. */
export interface CacheArgs {
  readonly cache?: QueryCacheOptions | boolean;
  readonly cacheStrategy?: CacheStrategy;
}

/** Per-model settings. `false` never caches the model's reads (writes still invalidate). */
export interface ModelCacheOptions {
  /** Default TTL of this model's reads. */
  readonly ttl?: Duration;
  /** Per-operation on/off for this model. */
  readonly operations?: Partial<Readonly<Record<CachedOperation, boolean>>>;
}

/** Options of {@link cacheExtension}. */
export interface CacheExtensionOptions {
  /** The cache. Give it `prismaSerializer(Prisma)` so Decimal values come back as Decimals. */
  readonly cache: CacheService;
  /** Default TTL of cached reads; the service's `defaultTtl` when omitted. */
  readonly ttl?: Duration;
  /** Default stale-while-revalidate window. Default none. */
  readonly swr?: Duration;
  /**
   * `'all'` (default) caches every read unless it says `cache: false`; `'opt-in'` caches only
   * reads that pass `cache` or `cacheStrategy`.
   */
  readonly mode?: 'all' | 'opt-in';
  /** Model name (as in the schema, e.g. `User`) → `false` or settings. */
  readonly models?: Readonly<Record<string, boolean | ModelCacheOptions>>;
  /** Operation on/off for every model. */
  readonly operations?: Partial<Readonly<Record<CachedOperation, boolean>>>;
  /** Prefix of keys and model tags. Default `'prisma:'`. */
  readonly prefix?: string;
  /**
   * Part of every key: changing it retires every entry. Default: a hash of the schema the
   * client was generated from, so a schema change retires old entries by itself.
   */
  readonly schemaVersion?: string;
  /**
   * Extra key context for clients whose results differ for the same arguments (a tenant, a
   * row-level-security role, another database). A function is called on every read.
   */
  readonly keyContext?: string | (() => string);
}

/** What `$invalidateCache` takes. */
export interface InvalidateCacheInput {
  /** Model names (as in the schema) whose cached reads are dropped. */
  readonly models?: readonly string[];
  /** Tags given to reads with `cache: { tags }`. */
  readonly tags?: readonly string[];
}

/** Options of `$queryRawCached`: raw reads are cached only with declared dependencies. */
export interface RawCacheOptions {
  /** The models the SQL reads: a write to any of them drops the entry. */
  readonly models?: readonly string[];
  readonly tags?: readonly string[];
  readonly ttl?: Duration;
  readonly swr?: Duration;
  readonly key?: string;
}

/** Options of `$executeRawTouching`. */
export interface RawWriteOptions {
  /** The models the SQL changes (instead of every model). */
  readonly models?: readonly string[];
  readonly tags?: readonly string[];
}
