import { CacheUsageError } from '../errors.js';
import { INTERNAL_KEY_PREFIX } from '../types/backend.js';

/**
 * Ends a service's prefix in every backend key it writes (entries, tag versions, locks):
 * `shop:` stores `user:1` at `shop:|user:1`. Prefixes cannot contain it, keys may, so the first
 * `|` of a backend key tells where the prefix ends and two different prefixes never make one
 * key: `shop:` + `admin:x` is `shop:|admin:x`, `shop:admin:` + `x` is `shop:admin:|x`. The empty
 * prefix is namespaced too (`|user:1`). `|` is plain on every backend: not a glob or Redis
 * Cluster hash-tag character, and memcached keeps it as it is.
 */
export const PREFIX_END = '|';

/**
 * Validates a service prefix and returns its namespace (the prefix and {@link PREFIX_END}).
 * Throws a {@link CacheUsageError} naming `field` for a non-string, a prefix containing `|` or
 * one reaching into the service's own records (`__tc:`).
 */
export function namespaceOf(prefix: unknown, field = 'prefix'): string {
  if (typeof prefix !== 'string') throw new CacheUsageError('expected a string', field);
  if (prefix.includes(PREFIX_END)) {
    throw new CacheUsageError(
      `a prefix cannot contain '${PREFIX_END}' (it ends the prefix in every key, so that two prefixes never collide), got '${prefix}'`,
      field,
    );
  }
  if (prefix.startsWith(INTERNAL_KEY_PREFIX)) {
    throw new CacheUsageError(
      `prefixes starting with '${INTERNAL_KEY_PREFIX}' are reserved for the cache itself`,
      field,
    );
  }
  return prefix + PREFIX_END;
}

/**
 * The key as code passes it, from a backend key written by any service (`shop:|user:1` →
 * `user:1`: what follows the first {@link PREFIX_END}), as event payloads carry backend keys.
 * `undefined` for a string that is not such a key (no `|`).
 */
export function userKeyOf(backendKey: string): string | undefined {
  const end = backendKey.indexOf(PREFIX_END);
  return end < 0 ? undefined : backendKey.slice(end + 1);
}
