import type { CacheService } from '../cache-service.js';
import { CacheUsageError } from '../errors.js';
import { argumentsHash } from '../keys/stable-hash.js';
import type { WrapOptions } from '../types/options.js';

/**
 * Returns a function that caches `fn`'s results by its arguments through
 * `cache.getOrSet` (so concurrent calls with equal arguments run `fn` once).
 */
export function wrapFunction<A extends unknown[], R>(
  cache: CacheService | ((self: unknown) => CacheService),
  fn: (...args: A) => R | Promise<R>,
  options: WrapOptions<A>,
): (...args: A) => Promise<R> {
  if (typeof fn !== 'function') throw new CacheUsageError('expected a function to wrap', 'fn');
  const name = options.name ?? fn.name;
  if (options.key === undefined && !name) {
    throw new CacheUsageError(
      'anonymous functions need a `name` or a `key` option (keys would collide)',
      'name',
    );
  }
  const resolve = typeof cache === 'function' ? cache : () => cache;
  return function cached(this: unknown, ...args: A): Promise<R> {
    return cachedCall(resolve(this), name, options, args, () => fn.apply(this, args));
  };
}

/**
 * One cached call: the key from `options.key` or `<name>:<hash of args>` (arguments the hash
 * cannot see into reject with a `CacheUsageError`, see `argumentsHash`), tags from the arguments.
 */
export function cachedCall<A extends unknown[], R>(
  service: CacheService,
  name: string,
  options: WrapOptions<A>,
  args: A,
  run: () => R | Promise<R>,
): Promise<R> {
  const { key, tags, ttl, grace } = options;
  let cacheKey: string;
  let callTags: readonly string[] | undefined;
  try {
    cacheKey = key ? key(...args) : `${name}:${argumentsHash(args)}`;
    callTags = typeof tags === 'function' ? tags(...args) : tags;
  } catch (error) {
    // An argument the key cannot see into, or a throwing key/tags function: the call rejects.
    return Promise.reject(error);
  }
  return service.getOrSet(cacheKey, run, {
    ...(ttl !== undefined && { ttl }),
    ...(grace !== undefined && { grace }),
    ...(callTags !== undefined && { tags: callTags }),
  });
}
