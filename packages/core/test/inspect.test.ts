import { afterEach, describe, expect, it, vi } from 'vitest';
import { CacheService, MemoryBackend, userKeyOf } from '../src/index.js';
import { memoryCache } from './support/factories.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('CacheService.inspect', () => {
  it('returns the decoded value, its tags and times, and both keys', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_000_000 });
    const cache = new CacheService({ backend: new MemoryBackend(), prefix: 'shop:' });
    await cache.set('user:42', { name: 'Ada' }, { ttl: 10, grace: 5, tags: ['users', 'user:42'] });
    expect(await cache.inspect('user:42')).toEqual({
      key: 'user:42',
      backendKey: 'shop:|user:42',
      value: { name: 'Ada' },
      tags: ['users', 'user:42'],
      createdAt: 1_000_000,
      freshUntil: 1_010_000,
      staleUntil: 1_015_000,
      state: 'fresh',
    });
    vi.advanceTimersByTime(12_000);
    expect((await cache.inspect('user:42'))?.state).toBe('stale');
    vi.advanceTimersByTime(5_000);
    expect(await cache.inspect('user:42')).toBeUndefined();
  });

  it('is undefined where a read would miss: absent, invalidated by a tag', async () => {
    const { cache } = memoryCache();
    await cache.set('a', 1, { tags: ['t'] });
    expect(await cache.inspect('nope')).toBeUndefined();
    expect((await cache.inspect('a'))?.value).toBe(1);
    await cache.invalidateTags(['t']);
    expect(await cache.inspect('a')).toBeUndefined();
  });

  it('counts no hit or miss and emits no event', async () => {
    const { cache } = memoryCache();
    await cache.set('a', 1);
    const events: string[] = [];
    cache.on('hit', () => events.push('hit'));
    cache.on('miss', () => events.push('miss'));
    const before = cache.stats();
    await cache.inspect('a');
    await cache.inspect('b');
    expect(cache.stats()).toEqual(before);
    expect(events).toEqual([]);
  });

  it('hands out a copy: changing it changes nothing in the cache (also with sharedValues)', async () => {
    const cache = new CacheService({ backend: new MemoryBackend(), sharedValues: true });
    await cache.set('a', { n: 1 });
    const seen = (await cache.inspect('a'))!.value as { n: number };
    seen.n = 2;
    expect(await cache.get('a')).toEqual({ n: 1 });
  });

  it.each([
    ['directly', false],
    ['through a ResilientBackend', true],
  ])(
    'keeps the entry in its LRU place on the memory backend, read %s (a get moves it)',
    async (_how, wrapped) => {
      const run = async (look: (cache: CacheService) => Promise<unknown>): Promise<unknown> => {
        const backend = new MemoryBackend({ maxEntries: 2 });
        const cache = new CacheService(wrapped ? { backend, resilience: {} } : { backend });
        await cache.set('old', 'o');
        await cache.set('mid', 'm');
        await look(cache);
        await cache.set('new', 'n'); // evicts the least recently used of old and mid
        return cache.get('old');
      };
      expect(await run((c) => c.get('old'))).toBe('o');
      expect(await run((c) => c.inspect('old'))).toBeUndefined();
    },
  );

  it('reads with get on backends that cannot peek, and reports a failing backend as undefined', async () => {
    const { cache, backend } = memoryCache();
    await cache.set('a', 1);
    backend.resetCounts();
    expect((await cache.inspect('a'))?.value).toBe(1);
    expect(backend.calls.get).toBe(1);
    const errors: string[] = [];
    cache.on('error', ({ operation }) => errors.push(operation));
    backend.setMode('fail');
    expect(await cache.inspect('a')).toBeUndefined();
    expect(errors).toEqual(['inspect']);
  });

  it('validates the key like every other method', async () => {
    const { cache } = memoryCache();
    await expect(cache.inspect('')).rejects.toThrow(/non-empty string/);
  });
});

describe('userKeyOf', () => {
  it('gives the key as code passes it, from a backend key of any prefix', () => {
    expect(userKeyOf('shop:|user:1')).toBe('user:1');
    expect(userKeyOf('|a|b')).toBe('a|b');
    expect(userKeyOf('no-namespace')).toBeUndefined();
  });
});
