import { afterEach, describe, expect, it, vi } from 'vitest';
import { CacheError, CacheService, CacheUsageError, MemoryBackend } from '../src/index.js';
import { memoryCache } from './support/factories.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('CacheService basics', () => {
  it('invalidateTags with purge: false invalidates without queueing a CDN purge', async () => {
    const purged: string[][] = [];
    const purger = {
      name: 'probe',
      batch: { maxTags: 10 },
      purge: async (tags: readonly string[]) => void purged.push([...tags]),
    };
    const cache = new CacheService({ backend: new MemoryBackend(), purgers: [purger] });
    await cache.set('a', 1, { tags: ['internal'] });
    await cache.set('b', 2, { tags: ['public'] });
    await cache.invalidateTags(['internal'], { purge: false });
    await cache.invalidateTags(['public']);
    await cache.settlePurges();
    expect([await cache.get('a'), await cache.get('b')]).toEqual([undefined, undefined]);
    expect(purged).toEqual([['public']]);
    await cache.close();
  });

  it('gets what was set, and the default on a miss', async () => {
    const { cache } = memoryCache();
    expect(await cache.set('a', { n: 1 })).toBe(true);
    expect(await cache.get('a')).toEqual({ n: 1 });
    expect(await cache.get('nope')).toBeUndefined();
    expect(await cache.get('nope', 'fallback')).toBe('fallback');
  });

  it('has() and delete() reflect what is stored', async () => {
    const { cache } = memoryCache();
    await cache.set('a', 1);
    expect(await cache.has('a')).toBe(true);
    expect(await cache.delete('a')).toBe(true);
    expect(await cache.delete('a')).toBe(false);
    expect(await cache.has('a')).toBe(false);
  });

  it('stores falsy values as values, not misses', async () => {
    const { cache } = memoryCache();
    for (const [key, value] of [
      ['zero', 0],
      ['empty', ''],
      ['false', false],
      ['null', null],
    ] as const) {
      await cache.set(key, value);
      expect(await cache.get(key, 'default')).toBe(value);
    }
  });

  it('expires entries after ttl, given as seconds or as a duration string', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { cache } = memoryCache({ defaultTtl: '10s' });
    await cache.set('secs', 'x', { ttl: 2 });
    await cache.set('str', 'y', { ttl: '1m' });
    await cache.set('default', 'z');
    vi.advanceTimersByTime(2_001);
    expect(await cache.get('secs')).toBeUndefined();
    expect(await cache.get('default')).toBe('z');
    vi.advanceTimersByTime(8_000);
    expect(await cache.get('default')).toBeUndefined();
    expect(await cache.get('str')).toBe('y');
    vi.advanceTimersByTime(50_000);
    expect(await cache.get('str')).toBeUndefined();
  });

  it('namespaces keys and tags with the prefix: two services on one backend never collide', async () => {
    const backend = new MemoryBackend();
    const a = new CacheService({ backend, prefix: 'a:' });
    const b = new CacheService({ backend, prefix: 'b:' });
    await a.set('k', 'from a', { tags: ['t'] });
    await b.set('k', 'from b', { tags: ['t'] });
    expect(await a.get('k')).toBe('from a');
    await b.invalidateTags(['t']);
    expect(await a.get('k')).toBe('from a');
    expect(await b.get('k')).toBeUndefined();
  });

  it('throws CacheUsageError for keys that cannot be keys, naming the problem', async () => {
    const { cache } = memoryCache();
    await expect(cache.get('')).rejects.toThrow(CacheUsageError);
    await expect(cache.set(42 as unknown as string, 1)).rejects.toThrow(/non-empty string/);
    await expect(cache.set('k', 1, { ttl: -5 })).rejects.toThrow(/ttl/);
    await expect(cache.set('k', 1, { ttl: '5 fortnights' as never })).rejects.toThrow(/ttl/);
    await expect(cache.set('k', 1, { tags: [''] })).rejects.toThrow(/tags/);
  });

  it('a loader that is not a function is a CacheUsageError naming loader, not a bare TypeError', async () => {
    const { cache } = memoryCache();
    for (const loader of [undefined, 42, 'value', { load: () => 1 }]) {
      const call = cache.getOrSet('k', loader as never);
      await expect(call).rejects.toThrow(CacheUsageError);
      await expect(call).rejects.toThrow(/^loader: /);
    }
  });

  it('rejects bad options at construction, naming the field', () => {
    expect(() => new CacheService({} as never)).toThrow(/backend/);
    expect(() => new CacheService({ backend: new MemoryBackend(), defaultTtl: 0 })).toThrow(/defaultTtl/);
    expect(() => new CacheService({ backend: new MemoryBackend(), serializer: 'v8' })).toThrow(/allowV8/);
    expect(
      () => new CacheService({ backend: new MemoryBackend(), protection: { lockTtl: 'soon' as never } }),
    ).toThrow(/protection.lockTtl/);
  });

  it('accepts keys of any shape the backend can hold: unicode, spaces, 64 KiB', async () => {
    const { cache } = memoryCache();
    for (const key of ['ünï 🔑', 'a b\tc', 'k'.repeat(65_536), '*?[]{}']) {
      expect(await cache.set(key, key.length)).toBe(true);
      expect(await cache.get(key)).toBe(key.length);
    }
  });
});

describe('deletePattern', () => {
  it('removes exactly the matching keys within the prefix', async () => {
    const backend = new MemoryBackend();
    const cache = new CacheService({ backend, prefix: 'app:' });
    const other = new CacheService({ backend, prefix: 'other:' });
    for (const key of ['user:1', 'user:10', 'user:2', 'post:1']) await cache.set(key, key);
    await other.set('user:1', 'other');
    expect(await cache.deletePattern('user:1*')).toBe(2);
    expect(await cache.get('user:2')).toBe('user:2');
    expect(await cache.get('post:1')).toBe('post:1');
    expect(await other.get('user:1')).toBe('other');
  });

  it('treats glob characters in the prefix literally', async () => {
    const backend = new MemoryBackend();
    const star = new CacheService({ backend, prefix: 'a*' });
    const plain = new CacheService({ backend, prefix: 'abc' });
    await star.set('x', 1);
    await plain.set('x', 2);
    expect(await star.deletePattern('*')).toBe(1);
    expect(await plain.get('x')).toBe(2);
  });

  it('never deletes tag versions (entries keep their invalidation history)', async () => {
    const { cache } = memoryCache();
    await cache.set('k', 1, { tags: ['t'] });
    await cache.deletePattern('*');
    await cache.set('k2', 2, { tags: ['t'] });
    await cache.invalidateTags(['t']);
    expect(await cache.get('k2')).toBeUndefined();
  });
});

describe('graceful degradation', () => {
  it('a failing backend means misses and false, never an exception; errors are emitted and counted', async () => {
    const { cache, backend } = memoryCache();
    await cache.set('a', 1);
    const errors: CacheError[] = [];
    cache.on('error', ({ error }) => errors.push(error));
    backend.setMode('fail');
    expect(await cache.get('a', 'default')).toBe('default');
    expect(await cache.set('b', 2)).toBe(false);
    expect(await cache.delete('a')).toBe(false);
    expect(await cache.deletePattern('*')).toBe(0);
    expect(await cache.has('a')).toBe(false);
    expect(await cache.invalidateTags(['t'])).toBe(false);
    expect(await cache.getOrSet('c', () => 'loaded')).toBe('loaded');
    expect((await cache.health()).healthy).toBe(false);
    expect(errors.length).toBeGreaterThanOrEqual(8);
    expect(errors.every((e) => e instanceof CacheError && e.code === 'CONNECTION')).toBe(true);
    expect(cache.stats().errors).toBe(errors.length);
    backend.setMode('pass');
    expect(await cache.get('a')).toBe(1);
  });

  it('a throwing event listener cannot break a read', async () => {
    const { cache } = memoryCache();
    cache.on('miss', () => {
      throw new Error('listener bug');
    });
    expect(await cache.get('x', 'ok')).toBe('ok');
  });

  it('logs failures through the pluggable logger with the key and code', async () => {
    const lines: Array<{ context: Record<string, unknown>; message: string }> = [];
    const log = (context: Record<string, unknown>, message: string) => lines.push({ context, message });
    const { cache, backend } = memoryCache({ logger: { debug: log, info: log, warn: log, error: log } });
    backend.setMode('fail');
    await cache.get('k');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.context).toMatchObject({ code: 'CONNECTION', key: '|k', operation: 'get' });
  });
});

describe('observability', () => {
  it('counts hits, misses, sets, deletes, loads and emits events', async () => {
    const { cache } = memoryCache();
    const seen: string[] = [];
    cache.on('hit', ({ key }) => seen.push(`hit ${key}`));
    cache.on('miss', ({ key }) => seen.push(`miss ${key}`));
    cache.on('set', ({ key, tags }) => seen.push(`set ${key} [${tags.join(',')}]`));
    cache.on('invalidate', ({ tags }) => seen.push(`invalidate ${tags.join(',')}`));
    const off = cache.on('delete', ({ key }) => seen.push(`delete ${key}`));
    await cache.get('a');
    await cache.set('a', 1, { tags: ['t'] });
    await cache.get('a');
    await cache.getOrSet('b', () => 2);
    await cache.invalidateTags(['t']);
    await cache.delete('b');
    off();
    await cache.delete('a'); // invalidated but still stored: counted, no longer emitted
    // Event keys are backend keys: the prefix (here '') and '|', then the key.
    expect(seen).toEqual([
      'miss |a',
      'set |a [t]',
      'hit |a',
      'miss |b',
      'set |b []',
      'invalidate t',
      'delete |b',
    ]);
    expect(cache.stats()).toMatchObject({
      hits: 1,
      misses: 2,
      sets: 2,
      deletes: 2,
      loads: 1,
      invalidations: 1,
      errors: 0,
    });
  });

  it('health reports the backend, its latency and the circuit', async () => {
    const { cache } = memoryCache({ name: 'hot' });
    const health = await cache.health();
    expect(health).toMatchObject({ name: 'hot', backend: 'memory', healthy: true, circuit: 'closed' });
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('close() is idempotent', async () => {
    const { cache, backend } = memoryCache();
    await cache.close();
    await cache.close();
    expect(backend.calls.close).toBe(1);
  });
});

describe('sharedValues', () => {
  it('off (default): every read gets its own copy, so a reader cannot corrupt the cache', async () => {
    const { cache } = memoryCache();
    await cache.set('k', { list: [1] });
    const first = await cache.get<{ list: number[] }>('k');
    first!.list.push(2);
    expect(await cache.get('k')).toEqual({ list: [1] });
  });

  it('on: readers share one object per stored value until it is replaced or invalidated', async () => {
    const { cache } = memoryCache({ sharedValues: true });
    await cache.set('k', { n: 1 }, { tags: ['t'] });
    const a = await cache.get('k');
    expect(await cache.get('k')).toBe(a);
    await cache.set('k', { n: 2 }, { tags: ['t'] });
    expect(await cache.get('k')).toEqual({ n: 2 });
    await cache.invalidateTags(['t']);
    expect(await cache.get('k')).toBeUndefined();
  });
});
