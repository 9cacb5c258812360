/**
 * Tag invalidation scale: invalidating a tag over 10, 10,000 and 100,000 entries, and the
 * cost of the next read of one of them. Versioned tags make both flat (goal: ratios ≈ 1).
 */
import { CacheService, MemoryBackend } from '@tagcache/core';
import { measure, type Subject } from '../lib/measure.js';
import { report } from '../lib/report.js';

async function filled(entries: number): Promise<CacheService> {
  const cache = new CacheService({
    backend: new MemoryBackend({ maxEntries: entries + 10 }),
    defaultTtl: '1h',
  });
  for (let i = 0; i < entries; i++) await cache.set(`k${i}`, { i }, { tags: ['big'] });
  return cache;
}

async function run(): Promise<void> {
  const sizes = [10, 10_000, 100_000];
  const caches = await Promise.all(sizes.map(filled));
  const invalidations: Subject[] = sizes.map((n, i) => ({
    name: `invalidateTags, tag over ${n.toLocaleString('en-US')} entries`,
    reference: i === 0,
    op: () => caches[i]!.invalidateTags(['big']),
  }));
  report({
    scenario: 'tag-invalidation',
    title: 'Tag invalidation: cost by number of tagged entries',
    rows: await measure(invalidations),
    notes: ['Goal: flat (every ratio ≈ 1). The tests prove it by counting backend operations.'],
  });
  const reads: Subject[] = sizes.map((n, i) => ({
    name: `get after invalidation, ${n.toLocaleString('en-US')} entries`,
    reference: i === 0,
    op: (j) => caches[i]!.get(`k${j % n}`),
  }));
  report({
    scenario: 'tag-invalidation',
    title: 'Tag invalidation: next read (a miss)',
    rows: await measure(reads),
  });
  await Promise.all(caches.map((c) => c.close()));
}

export default {
  name: 'tag-invalidation',
  description: 'invalidate a tag over 10 / 10k / 100k entries',
  run,
};
