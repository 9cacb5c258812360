import { ScopedStorage } from '@tagcache/core/backend';

/** Tags touched by the writes of one `$transaction` call, invalidated again after it settles. */
export interface TransactionScope {
  readonly tags: Set<string>;
}

/** Enabled only while a `$transaction` runs (an enabled storage costs every promise of the process). */
const scopes = new ScopedStorage<TransactionScope>();

/** Where a query runs: `undefined` outside a transaction, else the kind Prisma reports. */
export function transactionKind(params: unknown): 'itx' | 'batch' | undefined {
  // `__internalParams.transaction` is internal to Prisma (7.x): `{ kind: 'itx' | 'batch', id }`.
  const internal = (params as { __internalParams?: { transaction?: { kind?: unknown } } }).__internalParams;
  const kind = internal?.transaction?.kind;
  return kind === 'itx' || kind === 'batch' ? kind : kind === undefined ? undefined : 'itx';
}

/** The scope of the `$transaction` call this code runs in, if any. */
export function currentScope(): TransactionScope | undefined {
  return scopes.getStore();
}

/**
 * Runs `start` (the original `$transaction`) in a fresh scope; once it settles (commit or
 * rollback), invalidates the tags its writes touched, so that a reader that cached pre-commit
 * data between a write and the commit cannot leave it behind.
 */
export async function runInScope<T>(
  start: () => Promise<T>,
  invalidate: (tags: readonly string[]) => Promise<unknown>,
): Promise<T> {
  const scope: TransactionScope = { tags: new Set() };
  try {
    return await scopes.run(scope, start);
  } finally {
    if (scope.tags.size > 0) await invalidate([...scope.tags]);
  }
}
