import { AsyncLocalStorage } from 'node:async_hooks';
import type { LoadContext } from './loader-context.js';

/** A load in progress, as seen from the code its loader runs. */
export interface ActiveLoad {
  /** The service internals running it (loads of two services never meet). */
  readonly owner: object;
  readonly fullKey: string;
  readonly context: LoadContext<unknown>;
  /** The load whose loader started this one, if any. */
  readonly outer: ActiveLoad | undefined;
}

/**
 * Loads in progress along the current asynchronous call chain. Entered only on the load path
 * (a miss or a refresh), never on a hit, and disabled again whenever no load runs: on Node 20
 * an enabled `AsyncLocalStorage` makes every promise of the process pay an async hook, so a
 * process serving hits must not keep it on after its first miss.
 */
const activeLoads = new AsyncLocalStorage<ActiveLoad>();
/** Loads of this process whose loader has not settled yet. */
let running = 0;

/**
 * Runs `loader` as the load of `fullKey` by `owner`, visible to {@link enclosingLoad} until it
 * settles.
 */
export async function runAsLoad<R>(
  owner: object,
  fullKey: string,
  context: LoadContext<unknown>,
  loader: () => R | PromiseLike<R>,
): Promise<R> {
  running++;
  try {
    return await activeLoads.run({ owner, fullKey, context, outer: activeLoads.getStore() }, loader);
  } finally {
    // `run` enables the storage again for the next load.
    if (--running === 0) activeLoads.disable();
  }
}

/**
 * The load of `fullKey` by `owner` that the caller runs inside, if any: a `getOrSet` for a key
 * from inside that key's own loader (an adapter mounted twice, say) must not wait for the very
 * flight it is part of.
 */
export function enclosingLoad(owner: object, fullKey: string): ActiveLoad | undefined {
  for (let load = activeLoads.getStore(); load !== undefined; load = load.outer) {
    if (load.owner === owner && load.fullKey === fullKey) return load;
  }
  return undefined;
}
