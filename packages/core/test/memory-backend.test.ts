import { describe, expect, it } from 'vitest';
import { CacheService, MemoryBackend } from '../src/index.js';
import { backendConformanceSuite } from '../src/testing/index.js';

backendConformanceSuite({ name: 'memory', create: () => new MemoryBackend() });

const bytes = (n: number): Uint8Array => new Uint8Array(n);

describe('MemoryBackend bounds', () => {
  it('keeps at most maxEntries, evicting the least recently used', async () => {
    const backend = new MemoryBackend({ maxEntries: 3 });
    for (const key of ['a', 'b', 'c']) await backend.set(key, bytes(1));
    await backend.get('a'); // a is now the most recently used
    await backend.set('d', bytes(1));
    expect(backend.size).toBe(3);
    expect((await backend.get('b')).ok && (await backend.get('b'))).toEqual({ ok: true, value: undefined });
    for (const key of ['a', 'c', 'd']) {
      const read = await backend.get(key);
      expect(read.ok && read.value).toBeInstanceOf(Uint8Array);
    }
  });

  it('keeps at most maxBytes, counting keys and values', async () => {
    const backend = new MemoryBackend({ maxBytes: 1_000 });
    for (let i = 0; i < 100; i++) await backend.set(`k${i}`, bytes(97));
    expect(backend.bytes).toBeLessThanOrEqual(1_000);
    expect(backend.size).toBeLessThanOrEqual(10);
    const newest = await backend.get('k99');
    expect(newest.ok && newest.value?.byteLength).toBe(97);
  });

  it('refuses a value larger than maxEntrySize with VALUE_TOO_LARGE and keeps the rest', async () => {
    const backend = new MemoryBackend({ maxEntrySize: 100 });
    await backend.set('small', bytes(10));
    const result = await backend.set('big', bytes(200));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('VALUE_TOO_LARGE');
      expect(result.error.key).toBe('big');
    }
    const small = await backend.get('small');
    expect(small.ok && small.value?.byteLength).toBe(10);
  });

  it('rejects nonsensical bounds at construction', () => {
    expect(() => new MemoryBackend({ maxEntries: 0 })).toThrow(/MemoryBackend.maxEntries/);
    expect(() => new MemoryBackend({ maxBytes: -1 })).toThrow(/MemoryBackend.maxBytes/);
  });

  it('frees the bytes of entries it overwrites or deletes', async () => {
    const backend = new MemoryBackend();
    await backend.set('a', bytes(100));
    await backend.set('a', bytes(50));
    expect(backend.bytes).toBe(51);
    await backend.delete('a');
    expect(backend.bytes).toBe(0);
  });
});

describe('MemoryBackend records (tag versions, locks)', () => {
  it('keeps them apart from entries: a flood of entries cannot evict them', async () => {
    const memory = new MemoryBackend({ maxEntries: 100 });
    const cache = new CacheService({ backend: memory });
    await cache.set('tagged', 'v', { tags: ['t'] });
    for (let i = 0; i < 1_000; i++) await cache.set(`flood:${i}`, i);
    expect(memory.size).toBe(100);
    expect(memory.records).toBe(1);
    await cache.set('tagged', 'v2', { tags: ['t'] });
    expect(await cache.get('tagged')).toBe('v2');
    await cache.invalidateTags(['t']);
    expect(await cache.get('tagged')).toBeUndefined();
  });

  it('an entry with more tags than maxEntries is still a hit', async () => {
    const cache = new CacheService({ backend: new MemoryBackend({ maxEntries: 10 }) });
    const tags = Array.from({ length: 500 }, (_, i) => `tag:${i}`);
    expect(await cache.set('many', 'tags', { tags })).toBe(true);
    expect(await cache.get('many')).toBe('tags');
    await cache.invalidateTags(['tag:499']);
    expect(await cache.get('many')).toBeUndefined();
  });
});
