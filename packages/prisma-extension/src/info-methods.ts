import { Prisma } from '@prisma/client/extension';
import type { Result } from '@prisma/client/runtime/client';
import { INFO_ARG, type WithAccelerateInfo } from './accelerate-info.js';
import type { CachedReadArgs, CachedReadResult } from './model-types.js';
import { CACHED_OPERATIONS, type CachedOperation } from './types.js';

type Read = (args?: unknown) => PromiseLike<unknown>;

/** What `Prisma.getExtensionContext(this)` is inside a model method. */
interface ModelContext {
  readonly $name: string;
  readonly $parent: Record<string, Record<string, Read>>;
}

/** A cached read's promise with Accelerate's `withAccelerateInfo()`. */
export type InfoReadResult<T, A, Op extends CachedOperation> = CachedReadResult<T, A, Op> &
  WithAccelerateInfo<Result<T, A, Op>>;

/** The read methods as {@link accelerateInfoExtension} types them on every model. */
export type InfoModelMethods = {
  findUnique<T, A>(this: T, args: CachedReadArgs<T, A, 'findUnique'>): InfoReadResult<T, A, 'findUnique'>;
  findUniqueOrThrow<T, A>(
    this: T,
    args: CachedReadArgs<T, A, 'findUniqueOrThrow'>,
  ): InfoReadResult<T, A, 'findUniqueOrThrow'>;
  findFirst<T, A>(this: T, args?: CachedReadArgs<T, A, 'findFirst'>): InfoReadResult<T, A, 'findFirst'>;
  findFirstOrThrow<T, A>(
    this: T,
    args?: CachedReadArgs<T, A, 'findFirstOrThrow'>,
  ): InfoReadResult<T, A, 'findFirstOrThrow'>;
  findMany<T, A>(this: T, args?: CachedReadArgs<T, A, 'findMany'>): InfoReadResult<T, A, 'findMany'>;
  count<T, A>(this: T, args?: CachedReadArgs<T, A, 'count'>): InfoReadResult<T, A, 'count'>;
  aggregate<T, A>(this: T, args: CachedReadArgs<T, A, 'aggregate'>): InfoReadResult<T, A, 'aggregate'>;
  groupBy<T, A>(this: T, args: CachedReadArgs<T, A, 'groupBy'>): InfoReadResult<T, A, 'groupBy'>;
};

function infoModelMethods(): Record<string, (this: unknown, args?: unknown) => unknown> {
  const methods: Record<string, (this: unknown, args?: unknown) => unknown> = {};
  for (const operation of CACHED_OPERATIONS) {
    methods[operation] = function (this: unknown, args?: unknown) {
      const context = Prisma.getExtensionContext(this) as unknown as ModelContext;
      const delegate = context.$parent[context.$name] as Record<string, Read>;
      const read = delegate[operation] as Read;
      const promise = read.call(delegate, args);
      return Object.assign(promise, {
        withAccelerateInfo: () =>
          read.call(delegate, { ...(args as Record<string, unknown> | undefined), [INFO_ARG]: true }),
      });
    };
  }
  return methods;
}

/**
 * Prisma Accelerate's `.withAccelerateInfo()` on every cached read, for a client extended with
 * `cacheExtension`. Apply it last, as Accelerate's `withAccelerate()`: its read methods
 * call the client it extends (Prisma's promises stay lazy and keep their fluent methods), so
 * the query hooks of extensions applied after it do not see reads.
 *
 * @example
 * ```ts
 * const prisma = new PrismaClient({ adapter })
 *   .$extends(cacheExtension({ cache }))
 *   .$extends(accelerateInfoExtension());
 * const { data, info } = await prisma.user.findMany({ cacheStrategy: { ttl: 60 } }).withAccelerateInfo();
 * ```
 */
export function accelerateInfoExtension() {
  return Prisma.defineExtension({
    name: '@tagcache/prisma/accelerate-info',
    model: { $allModels: infoModelMethods() as unknown as InfoModelMethods },
  });
}
