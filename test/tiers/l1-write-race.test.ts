import { CacheService, MemoryBackend } from '@tagcache/core';
import { LoopbackHub } from '@tagcache/core/testing';
import { expect, it } from 'vitest';

// Found by the data-integrity checker with an L1 in 3 processes (test/fault/data-integrity.test.ts):
// a read answered from the L1 a value its own process had overwritten.
it('a write that raced another change in the same process leaves no older copy in its L1', async () => {
  const hub = new LoopbackHub();
  const cache = new CacheService({ backend: new MemoryBackend(), l1: {}, bus: hub.connect() });
  try {
    await cache.set('k', 'v1');
    expect(await cache.get('k')).toBe('v1');
    expect(await cache.get('k')).toBe('v1');
    const l1Hits = cache.stats().l1Hits;
    expect(l1Hits).toBeGreaterThan(0); // v1 is in the L1
    // Another change lands while the write of v2 is in flight: the L1 must not keep v1.
    await Promise.all([cache.set('k', 'v2'), cache.delete('other')]);
    expect(await cache.get('k')).toBe('v2');
  } finally {
    await cache.close();
  }
});
