/**
 * The soak's tag floods (issue 22 item 11): run-time tags past the memory backend's per-entry
 * limit and request-fed tags, through the middleware, on a MemoryBackend with `maxBytes` at
 * 1 MiB. Checks the bounds at every sample and the heap the cache holds afterwards.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CacheService, MemoryBackend } from '@tagcache/core';
import { FRAMEWORKS, figure } from '../fault/support/http-harness.js';
import { floodTags } from '../fault/support/tag-flood.js';

const MAX_BYTES = 1024 * 1024;
const MAX_ENTRIES = 10_000;
/**
 * What a MemoryBackend may hold beyond `maxBytes` + `maxRecordBytes` (maxBytes / 8): the
 * bookkeeping of lru-cache and of the JS heap, which its byte counts (key length + value bytes)
 * leave out. Documented in packages/core/README.md (Bounded memory): at most 4 MiB for the
 * default 10,000 entries and 10,000 records.
 */
export const OVERHEAD_BYTES = 4 * 1024 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const held = (): number => {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

/** Runs the floods on both frameworks; `check(what, ok)` records each verdict. */
export async function soakTagFloods(
  requests: number,
  check: (what: string, ok: boolean) => void,
): Promise<void> {
  for (const framework of FRAMEWORKS) {
    const memory = new MemoryBackend({ maxEntries: MAX_ENTRIES, maxBytes: MAX_BYTES });
    const warnings: string[] = [];
    const log = (): void => {};
    const cache = new CacheService({
      backend: memory,
      logger: { debug: log, info: log, error: log, warn: (_, message) => warnings.push(message) },
    });
    await cache.set('home', 'home page', { tags: ['pages'] });
    let over = 0;
    let peakRecords = 0;
    let peakRecordBytes = 0;
    let homeLost = 0;
    const result = await floodTags(framework, cache, requests, () => {
      peakRecords = Math.max(peakRecords, memory.records);
      peakRecordBytes = Math.max(peakRecordBytes, memory.recordBytes);
      if (memory.bytes > MAX_BYTES || memory.recordBytes > MAX_BYTES / 8) over++;
      // A page in use keeps its entry and its tag version: sitemaps refused evict nothing.
      void cache.get('home').then((value) => {
        if (value !== 'home page') homeLost++;
      });
    });
    // What the cache holds: the heap with it, minus the heap once it is emptied (the harness's
    // own allocations cancel out).
    const withCache = held();
    const stored = {
      entries: memory.size,
      bytes: memory.bytes,
      records: memory.records,
      recordBytes: memory.recordBytes,
    };
    await cache.close();
    const held_ = withCache - held();
    const bound = MAX_BYTES + MAX_BYTES / 8 + OVERHEAD_BYTES;
    figure(`soak: tag floods (${framework})`, {
      requests: result.requests,
      non2xx: result.non2xx,
      ...stored,
      peakRecords,
      peakRecordBytes,
      refusedWithWarning: warnings.length,
      homeLost,
      heldMiB: held_ / 1024 / 1024,
      boundMiB: bound / 1024 / 1024,
      seconds: result.seconds,
    });
    check(`tag floods/${framework}: 0 non-2xx`, result.non2xx === 0 && result.errors === 0);
    check(
      `tag floods/${framework}: entries and records within maxBytes and maxBytes / 8 at every sample`,
      over === 0,
    );
    check(
      `tag floods/${framework}: every sitemap refused with a warning`,
      warnings.length >= Math.floor(result.requests / 2) - 1,
    );
    check(`tag floods/${framework}: a page in use stays a hit throughout`, homeLost === 0);
    check(`tag floods/${framework}: heap held within maxBytes + maxRecordBytes + 4 MiB`, held_ <= bound);
  }
}
