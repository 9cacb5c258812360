/**
 * `@tagcache/prisma`: a Prisma 7 client extension that caches reads on `@tagcache/core` and
 * invalidates them on writes, through the schema's relation graph.
 * @packageDocumentation
 */

export type { AccelerateCompat, AccelerateInvalidateResult } from './accelerate.js';
export type { AccelerateInfo, AccelerateResultWithInfo, WithAccelerateInfo } from './accelerate-info.js';
export { cacheExtension } from './extension.js';
export { accelerateInfoExtension, type InfoModelMethods, type InfoReadResult } from './info-methods.js';
export type {
  CachedModelMethods,
  CachedReadArgs,
  CachedReadResult,
  FluentRelations,
  TransactionMethod,
  TransactionOptions,
} from './model-types.js';
export { modelTag, queryKey } from './query-key.js';
export { type DecimalClass, prismaJsonTypes, prismaSerializer } from './serializer.js';
export {
  CACHED_OPERATIONS,
  type CacheArgs,
  type CachedOperation,
  type CacheExtensionOptions,
  type CacheStrategy,
  type InvalidateCacheInput,
  type ModelCacheOptions,
  type QueryCacheOptions,
  type RawCacheOptions,
  type RawWriteOptions,
} from './types.js';
