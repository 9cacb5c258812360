import type { AsyncLocalStorage } from 'node:async_hooks';
import type { PrismaPromise } from '@prisma/client/runtime/client';

/** The parts of Prisma's own lazy promise that `$transaction([...])` uses. */
interface LazyPrismaPromise<T> extends PromiseLike<T> {
  readonly spec?: unknown;
  requestTransaction?(batch: unknown): PromiseLike<unknown>;
}

/**
 * Prisma's own lazy promise for a raw write, with `scope` entered whenever Prisma runs it: when
 * awaited, or as part of a batch `$transaction([...])` (where it commits with the batch).
 * Nothing runs until then, as with Prisma's own promises; `check` runs first and may throw.
 */
export function lazyRawWrite<S, T>(
  storage: AsyncLocalStorage<S>,
  scope: S,
  check: () => void,
  create: () => LazyPrismaPromise<T>,
): PrismaPromise<T> {
  let created: LazyPrismaPromise<T> | undefined;
  const promise = (): LazyPrismaPromise<T> => {
    check();
    created ??= create();
    return created;
  };
  const run = <R>(step: (p: LazyPrismaPromise<T>) => R): R => storage.run(scope, () => step(promise()));
  const settle = (): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      try {
        run((p) => p.then(resolve, reject));
      } catch (error) {
        reject(error);
      }
    });
  const lazy = {
    [Symbol.toStringTag]: 'PrismaPromise',
    // biome-ignore lint/suspicious/noThenProperty: a thenable, like Prisma's own promises
    then: <A = T, B = never>(
      onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
      onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
    ): Promise<A | B> => settle().then(onFulfilled, onRejected),
    catch: <B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<T | B> =>
      settle().catch(onRejected),
    finally: (onFinally?: (() => void) | null): Promise<T> => settle().finally(onFinally),
    requestTransaction: (batch: unknown): PromiseLike<unknown> =>
      run((p) => {
        if (typeof p.requestTransaction !== 'function') throw new TypeError('not a Prisma promise');
        return p.requestTransaction(batch);
      }),
    get spec(): unknown {
      return promise().spec;
    },
  };
  return lazy as unknown as PrismaPromise<T>;
}
