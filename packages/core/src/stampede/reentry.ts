import { ScopedStorage } from '../context/scoped-storage.js';
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
 * (a miss or a refresh), never on a hit, and off once no load has run for a moment (see
 * {@link ScopedStorage}): a process serving hits pays no async hook after its misses.
 */
const activeLoads = new ScopedStorage<ActiveLoad>();

/**
 * Runs `loader` as the load of `fullKey` by `owner`, visible to {@link enclosingLoad} until it
 * settles.
 */
export function runAsLoad<R>(
  owner: object,
  fullKey: string,
  context: LoadContext<unknown>,
  loader: () => R,
): R {
  return activeLoads.run({ owner, fullKey, context, outer: activeLoads.getStore() }, loader);
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
