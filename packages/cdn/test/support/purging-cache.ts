import {
  type CacheEvents,
  CacheService,
  MemoryBackend,
  type PurgeOptions,
  type Purger,
} from '@tagcache/core';

/** A memory-backed service with `purgers`, recording its purge events and warnings. */
export function purgingCache(purgers: Purger[], purge: PurgeOptions = {}) {
  const purged: CacheEvents['purge'][] = [];
  const failed: CacheEvents['purge-error'][] = [];
  const logged: string[] = [];
  const log = (context: Record<string, unknown>, message: string) => {
    logged.push(`${message} ${JSON.stringify(context)}`);
  };
  const cache = new CacheService({
    backend: new MemoryBackend(),
    purgers,
    purge: { repurgeAfter: false, retryDelay: '5ms', ...purge },
    logger: { debug: log, info: log, warn: log, error: log },
  });
  cache.on('purge', (event) => purged.push(event));
  cache.on('purge-error', (event) => failed.push(event));
  return { cache, purged, failed, logged };
}

/** `count` distinct tags: `t0`, `t1`, … */
export function tags(count: number, prefix = 't'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`);
}
