import { CacheUsageError } from '../errors.js';
import type {
  BusConfig,
  MemcachedBackendConfig,
  MemoryBackendConfig,
  RedisBackendConfig,
  SharedServiceConfig,
} from './config-types.js';

/**
 * `keys`, when it names every key of `T` and nothing else: a list that misses one does not
 * compile, so a field added to a config type cannot be refused as unknown.
 */
const everyKeyOf =
  <T>() =>
  <const L extends readonly (keyof T)[]>(
    keys: L & ([Exclude<keyof T, L[number]>] extends [never] ? unknown : never),
  ): ReadonlySet<string> =>
    new Set(keys as readonly PropertyKey[] as readonly string[]);

/** The keys a config object of each kind may have. */
const KNOWN: Readonly<Record<string, ReadonlySet<string>>> = {
  memory: everyKeyOf<MemoryBackendConfig>()([
    ...(['name', 'type', 'default', 'defaultTtl', 'prefix', 'resilience', 'l1', 'bus'] as const),
    ...(['maxEntries', 'maxBytes', 'maxEntrySize'] as const),
  ]),
  redis: everyKeyOf<RedisBackendConfig>()([
    ...(['name', 'type', 'default', 'defaultTtl', 'prefix', 'resilience', 'l1', 'bus'] as const),
    ...(['url', 'clusterNodes', 'sentinels', 'username', 'password', 'sentinelUsername'] as const),
    ...(['sentinelPassword', 'tls', 'redisOptions', 'clusterOptions', 'masterName'] as const),
  ]),
  memcached: everyKeyOf<MemcachedBackendConfig>()([
    ...(['name', 'type', 'default', 'defaultTtl', 'prefix', 'resilience', 'l1', 'bus'] as const),
    'servers',
  ]),
  bus: everyKeyOf<BusConfig>()([
    ...(['url', 'clusterNodes', 'sentinels', 'name', 'username', 'password', 'sentinelUsername'] as const),
    ...(['sentinelPassword', 'tls', 'redisOptions', 'clusterOptions', 'channel', 'timeoutMs'] as const),
  ]),
  service: everyKeyOf<SharedServiceConfig>()([
    ...(['protection', 'serializer', 'allowV8', 'compress', 'tagTtl', 'logger', 'purgers'] as const),
    'purge',
  ]),
};

/**
 * Refuses a key a config object of `kind` does not have (a typo would otherwise be ignored in
 * silence), naming it and the closest known key.
 */
export function checkKeys(value: object, kind: string, at: string): void {
  const known = KNOWN[kind];
  if (known === undefined) return;
  for (const key of Object.keys(value)) {
    if (known.has(key)) continue;
    const near = closest(key, known);
    throw new CacheUsageError(
      `unknown key${near === undefined ? '' : ` (did you mean '${near}'?)`}; ${kind === 'service' ? 'service' : `a ${kind}${kind === 'bus' ? '' : ' backend'}`} takes ${[...known].join(', ')}`,
      `${at}.${key}`,
    );
  }
}

/** The known key nearest to `key` (case aside, or at most two edits away), if any. */
function closest(key: string, known: ReadonlySet<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = candidate.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}
