import type { CacheCore } from '../cache-core.js';
import type { HitNowOptions } from '../types/options.js';
import type { GetOrSetReport } from '../types/outcome.js';

/**
 * A fresh hit this process answers without waiting (memory backend, L1 tier), counted as a
 * `getOrSet` hit; `undefined` for anything else (absent, stale, on a shared backend only),
 * which the caller then asks `getOrSet` or `getOrSetReport` for, and which counts nothing.
 */
export function hitNow<T>(
  core: CacheCore,
  key: string,
  options?: HitNowOptions,
): GetOrSetReport<T> | undefined {
  const fullKey = core.fullKey(key);
  // A probe: an unreadable entry is reported by the caller's `getOrSet` that follows, once.
  const read = core.readNow(fullKey, undefined, false, options?.shared === true);
  if (read === undefined || read.state !== 'fresh') return undefined;
  core.hit(fullKey, false, options?.source, read.from);
  return { value: read.value as T, outcome: 'hit', stored: true, storedAt: read.entry.createdAt };
}
