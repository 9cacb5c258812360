import type {
  Args,
  Exact,
  ITXClientDenyList,
  Path,
  PrismaPromise,
  Result,
  UnwrapTuple,
} from '@prisma/client/runtime/client';
import type { CacheArgs, CachedOperation } from './types.js';

/** The model's type map entry, as Prisma attaches it to a model delegate under a symbol key. */
type ModelTypes<T> = T extends { [K: symbol]: { types: infer X } } ? X : never;
type Objects<T> = ModelTypes<T> extends { payload: { objects: infer O } } ? O : never;
type SelectArgs<T, Op extends CachedOperation> =
  ModelTypes<T> extends {
    operations: { [K in Op]: { args: { select?: infer S } } };
  }
    ? S
    : never;

type FluentOperation = 'findUnique' | 'findUniqueOrThrow' | 'findFirst' | 'findFirstOrThrow';
type NullOf<Op> = Op extends 'findUnique' | 'findFirst' ? null : never;

/** One level of Prisma's fluent API (`prisma.user.findUnique({ ... }).posts()`). */
export type FluentRelations<T, Op extends CachedOperation> = {
  [K in keyof Objects<T>]: <FA>(
    args?: Exact<FA, Path<SelectArgs<T, Op>, [K]>>,
  ) => PrismaPromise<Path<Result<T, { select: { [P in K]: FA } }, Op>, [K]> | NullOf<Op>>;
};

/** The result of a cached read: Prisma's own result type, plus the fluent API where Prisma has one. */
export type CachedReadResult<T, A, Op extends CachedOperation> = Op extends FluentOperation
  ? PrismaPromise<Result<T, A, Op>> & FluentRelations<T, Op>
  : PrismaPromise<Result<T, A, Op>>;

/** The arguments of a cached read: Prisma's own, plus `cache` and `cacheStrategy`. */
export type CachedReadArgs<T, A, Op extends CachedOperation> = Exact<A, Args<T, Op> & CacheArgs>;

/**
 * The read methods as the extension types them on every model (the runtime object is empty: calls
 * reach Prisma's own methods, then the extension's query hook, which strips the cache options).
 */
// A type alias, not an interface: Prisma's `ModelArg` needs an implicit index signature.
export type CachedModelMethods = {
  findUnique<T, A>(this: T, args: CachedReadArgs<T, A, 'findUnique'>): CachedReadResult<T, A, 'findUnique'>;
  findUniqueOrThrow<T, A>(
    this: T,
    args: CachedReadArgs<T, A, 'findUniqueOrThrow'>,
  ): CachedReadResult<T, A, 'findUniqueOrThrow'>;
  findFirst<T, A>(this: T, args?: CachedReadArgs<T, A, 'findFirst'>): CachedReadResult<T, A, 'findFirst'>;
  findFirstOrThrow<T, A>(
    this: T,
    args?: CachedReadArgs<T, A, 'findFirstOrThrow'>,
  ): CachedReadResult<T, A, 'findFirstOrThrow'>;
  findMany<T, A>(this: T, args?: CachedReadArgs<T, A, 'findMany'>): CachedReadResult<T, A, 'findMany'>;
  count<T, A>(this: T, args?: CachedReadArgs<T, A, 'count'>): CachedReadResult<T, A, 'count'>;
  aggregate<T, A>(this: T, args: CachedReadArgs<T, A, 'aggregate'>): CachedReadResult<T, A, 'aggregate'>;
  groupBy<T, A>(this: T, args: CachedReadArgs<T, A, 'groupBy'>): CachedReadResult<T, A, 'groupBy'>;
};

/** Options of an interactive transaction (as Prisma takes them). */
export interface TransactionOptions {
  readonly maxWait?: number;
  readonly timeout?: number;
  readonly isolationLevel?: string;
}

/** Prisma's `$transaction`, typed as Prisma types it (the extension wraps it at run time). */
export interface TransactionMethod {
  <T, R>(
    this: T,
    fn: (tx: Omit<T, ITXClientDenyList>) => Promise<R>,
    options?: TransactionOptions,
  ): Promise<R>;
  <T, P extends PrismaPromise<unknown>[]>(
    this: T,
    queries: [...P],
    options?: Pick<TransactionOptions, 'isolationLevel'>,
  ): Promise<UnwrapTuple<P>>;
}
