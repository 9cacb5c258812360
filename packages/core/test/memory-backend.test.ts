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

  it('are bounded in bytes: request-fed tags (search:{query.q}) cannot grow them past maxRecordBytes', async () => {
    const maxBytes = 1024 * 1024;
    const memory = new MemoryBackend({ maxEntries: 1_000, maxBytes });
    const cache = new CacheService({ backend: memory });
    const query = 'q'.repeat(1_000);
    for (let i = 0; i < 2_000; i++) await cache.set(`search:${i}`, i, { tags: [`search:${query}${i}`] });
    // Each record is a tag version of more than 1,000 bytes; the default bound is maxBytes / 8.
    // (Before: 2,000 records, over 2 MB, with maxBytes at 1 MiB.)
    expect(memory.records * 1_000).toBeLessThanOrEqual(maxBytes / 8);
    expect(memory.recordBytes).toBeLessThanOrEqual(maxBytes / 8);
    expect(memory.records).toBeGreaterThan(0);
    // The newest entries keep their tag versions: still hits.
    expect(await cache.get('search:1999')).toBe(1_999);
  });

  it('an entry with more tags than the records can keep is refused with a warning, evicting nothing', async () => {
    const warnings: string[] = [];
    const log = (): void => {};
    const logger = {
      debug: log,
      info: log,
      error: log,
      warn: (_: unknown, message: string) => warnings.push(message),
    };
    const memory = new MemoryBackend({ maxRecords: 1_000 });
    const cache = new CacheService({ backend: memory, logger });
    await cache.set('home', 'home page', { tags: ['pages', 'products'] });
    expect(memory.records).toBe(2);
    const sitemap = Array.from({ length: 1_200 }, (_, i) => `product:${i}`);
    // Up front: refused before any tag version is created.
    expect(await cache.set('sitemap', 'xml', { tags: sitemap })).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/not stored: an entry with 1200 tags .* \(250 tags, /);
    expect(memory.records).toBe(2);
    // Run-time tags (an HTTP handler listing products): served, not stored, nothing evicted.
    const value = await cache.getOrSet('sitemap', (ctx) => {
      ctx.addTags(...sitemap);
      return 'xml';
    });
    expect(value).toBe('xml');
    expect(warnings).toHaveLength(2);
    expect(await cache.has('sitemap')).toBe(false);
    expect(memory.records).toBe(2);
    expect(await cache.get('home')).toBe('home page');
    expect(cache.stats().errors).toBe(2);
    // A quarter of the record store is allowed.
    expect(await cache.set('quarter', 'ok', { tags: sitemap.slice(0, 250) })).toBe(true);
    expect(await cache.get('quarter')).toBe('ok');
    expect(await cache.get('home')).toBe('home page');
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
