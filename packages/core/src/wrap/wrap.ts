import type { CacheService } from '../cache-service.js';
import { CacheUsageError } from '../errors.js';
import { stableHash } from '../keys/stable-hash.js';
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

/** One cached call: the key from `options.key` or `<name>:<hash of args>`, tags from the arguments. */
export function cachedCall<A extends unknown[], R>(
  service: CacheService,
  name: string,
  options: WrapOptions<A>,
  args: A,
  run: () => R | Promise<R>,
): Promise<R> {
  const { key, tags, ttl, grace } = options;
  const cacheKey = key ? key(...args) : `${name}:${stableHash(args)}`;
  const callTags = typeof tags === 'function' ? tags(...args) : tags;
  return service.getOrSet(cacheKey, run, {
    ...(ttl !== undefined && { ttl }),
    ...(grace !== undefined && { grace }),
    ...(callTags !== undefined && { tags: callTags }),
  });
}
