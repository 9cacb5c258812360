import { afterEach, describe, expect, it, vi } from 'vitest';
import { CacheService, MemoryBackend } from '../src/index.js';
import { ChaosBackend } from '../src/testing/index.js';
import { deferred, memoryCache, sleep } from './support/factories.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('stampede protection in one process', () => {
  it('1,000 concurrent getOrSet calls on a cold key run the loader exactly once', async () => {
    const { cache } = memoryCache();
    let calls = 0;
    const loader = async () => {
      calls++;
      await sleep(5);
      return { id: 1 };
    };
    const results = await Promise.all(Array.from({ length: 1_000 }, () => cache.getOrSet('cold', loader)));
    expect(calls).toBe(1);
    expect(results.every((r) => r.id === 1)).toBe(true);
    expect(cache.stats().lockWaits).toBe(999);
  });

  it('runs the loader once even when it answers synchronously', async () => {
    const { cache } = memoryCache();
    let calls = 0;
    await Promise.all(Array.from({ length: 200 }, () => cache.getOrSet('sync', () => ++calls)));
    expect(calls).toBe(1);
  });

  it('different keys load in parallel', async () => {
    const { cache } = memoryCache();
    const gate = deferred();
    const started: string[] = [];
    const load = (key: string) =>
      cache.getOrSet(key, async () => {
        started.push(key);
        await gate.promise;
        return key;
      });
    const all = Promise.all([load('a'), load('b')]);
    await sleep(5);
    expect(started.sort()).toEqual(['a', 'b']);
    gate.resolve();
    expect(await all).toEqual(['a', 'b']);
  });

  it('with protection disabled every caller loads', async () => {
    const { cache } = memoryCache({ protection: { enabled: false } });
    let calls = 0;
    await Promise.all(Array.from({ length: 10 }, () => cache.getOrSet('k', async () => ++calls)));
    expect(calls).toBe(10);
  });

  it('a loader error reaches every waiter and is never cached', async () => {
    const { cache } = memoryCache();
    let calls = 0;
    const failing = async () => {
      calls++;
      await sleep(2);
      throw new Error('database down');
    };
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => cache.getOrSet('k', failing)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(calls).toBe(1);
    expect(await cache.getOrSet('k', () => 'recovered')).toBe('recovered');
  });

  it('waiters stop waiting after maxWait and load by themselves', async () => {
    const { cache } = memoryCache({ protection: { maxWait: '20ms' } });
    const gate = deferred<string>();
    let calls = 0;
    const first = cache.getOrSet('k', () => {
      calls++;
      return gate.promise;
    });
    await sleep(1);
    const second = await cache.getOrSet('k', () => {
      calls++;
      return 'second';
    });
    expect(second).toBe('second');
    expect(calls).toBe(2);
    gate.resolve('first');
    expect(await first).toBe('first');
  });

  it('a flight older than lockTtl is presumed stuck and not joined', async () => {
    const { cache } = memoryCache({ protection: { lockTtl: '10ms', maxWait: '10s' } });
    const stuck = deferred<string>();
    let calls = 0;
    void cache.getOrSet('k', () => {
      calls++;
      return stuck.promise;
    });
    await sleep(30);
    expect(await cache.getOrSet('k', () => ++calls && 'fresh')).toBe('fresh');
    expect(calls).toBe(2);
    stuck.resolve('late');
  });
});

describe('grace: stale-while-revalidate and stale-if-error', () => {
  it('serves the stale value at once while one background refresh runs', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { cache } = memoryCache();
    let version = 1;
    let calls = 0;
    const loader = async () => {
      calls++;
      return `v${version}`;
    };
    await cache.getOrSet('k', loader, { ttl: 10, grace: '1h' });
    vi.advanceTimersByTime(11_000);
    version = 2;
    const hits: boolean[] = [];
    cache.on('hit', ({ stale }) => hits.push(stale));
    const results = await Promise.all(
      Array.from({ length: 20 }, () => cache.getOrSet('k', loader, { ttl: 10, grace: '1h' })),
    );
    expect(results.every((r) => r === 'v1')).toBe(true);
    expect(hits.every(Boolean)).toBe(true);
    await vi.waitFor(async () => expect(await cache.get('k')).toBe('v2'));
    expect(calls).toBe(2);
    expect(cache.stats().staleHits).toBe(20);
  });

  it('keeps serving the stale value when the refresh fails, and never past the grace period', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { cache } = memoryCache();
    await cache.getOrSet('k', () => 'good', { ttl: 10, grace: 60 });
    vi.advanceTimersByTime(11_000);
    const failing = async (): Promise<string> => {
      throw new Error('origin down');
    };
    expect(await cache.getOrSet('k', failing, { ttl: 10, grace: 60 })).toBe('good');
    await sleep(5);
    expect(await cache.getOrSet('k', failing, { ttl: 10, grace: 60 })).toBe('good');
    vi.advanceTimersByTime(60_000);
    await expect(cache.getOrSet('k', failing, { ttl: 10, grace: 60 })).rejects.toThrow('origin down');
  });

  it('a plain get never returns a stale value', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { cache } = memoryCache();
    await cache.set('k', 'v', { ttl: 1, grace: 60 });
    vi.advanceTimersByTime(1_500);
    expect(await cache.get('k')).toBeUndefined();
  });

  it('an invalidated entry is gone, not stale: grace does not resurrect it', async () => {
    const { cache } = memoryCache();
    await cache.getOrSet('k', () => 'old', { ttl: 60, grace: 3600, tags: ['t'] });
    await cache.invalidateTags(['t']);
    expect(await cache.getOrSet('k', () => 'new', { ttl: 60, grace: 3600, tags: ['t'] })).toBe('new');
  });
});

describe('loader context', () => {
  it('skipStore returns the value without caching it', async () => {
    const { cache } = memoryCache();
    expect(
      await cache.getOrSet('k', (ctx) => {
        ctx.skipStore();
        return 'once';
      }),
    ).toBe('once');
    expect(await cache.get('k')).toBeUndefined();
  });

  it('setTtl overrides the TTL for this value', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { cache } = memoryCache();
    await cache.getOrSet(
      'k',
      (ctx) => {
        ctx.setTtl('2s');
        return 'short';
      },
      { ttl: '1h' },
    );
    vi.advanceTimersByTime(2_500);
    expect(await cache.get('k')).toBeUndefined();
  });

  it('setGrace overrides the grace period for this value (a stale read sees it, then it is gone)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { cache } = memoryCache();
    let loads = 0;
    const loader = (ctx: { setGrace(grace: number): void }) => {
      loads++;
      ctx.setGrace(loads === 1 ? 30 : 0);
      return `v${loads}`;
    };
    await cache.getOrSet('k', loader, { ttl: 10, grace: 1 });
    vi.advanceTimersByTime(20_000); // past the TTL, within the loader's grace (not the call's)
    expect(await cache.getOrSet('k', loader, { ttl: 10, grace: 1 })).toBe('v1');
    await vi.waitFor(async () => expect(await cache.get('k')).toBe('v2'));
    vi.advanceTimersByTime(11_000); // past the TTL of v2, whose loader asked for no grace
    expect(await cache.getOrSet('k', loader, { ttl: 10, grace: 1 })).toBe('v3');
  });

  it('setTtl(0) stores a value already stale: in the same millisecond it is stale and refreshed, never a fresh hit; without a grace it is not stored', async () => {
    vi.useFakeTimers({ toFake: ['Date'] }); // every read below happens in the millisecond of the store
    const { cache } = memoryCache();
    let loads = 0;
    const bornStale =
      (grace: number) => (ctx: { setTtl(ttl: number): void; setGrace(grace: number): void }) => {
        loads++;
        ctx.setTtl(0);
        ctx.setGrace(grace);
        return `v${loads}`;
      };
    const options = { ttl: 60, grace: 1, refresh: 'caller' } as const;
    await cache.getOrSet('k', bornStale(30), options);
    const second = await cache.getOrSetReport('k', bornStale(30), options);
    expect([second.value, second.outcome, loads]).toEqual(['v2', 'loaded', 2]);

    const third = await cache.getOrSetReport('none', bornStale(0), options);
    expect(third.stored).toEqual({ reason: 'skipped', detail: 'no lifetime' });
    expect(await cache.get('none')).toBeUndefined();
  });
});

describe('stampede protection across processes (shared backend, add-based lock)', () => {
  it('two services sharing one backend run one loader between them', async () => {
    // Two services = two processes' worth of state; the shared store holds the lock.
    const memory = new MemoryBackend();
    const shared = new ChaosBackend(memory, { shared: true });
    const a = new CacheService({ backend: shared, resilience: false });
    const b = new CacheService({ backend: shared, resilience: false });
    let calls = 0;
    const loader = async () => {
      calls++;
      await sleep(30);
      return 'value';
    };
    const results = await Promise.all([
      ...Array.from({ length: 10 }, () => a.getOrSet('k', loader)),
      ...Array.from({ length: 10 }, () => b.getOrSet('k', loader)),
    ]);
    expect(results.every((r) => r === 'value')).toBe(true);
    expect(calls).toBe(1);
    expect(await memory.get('__tc:l:|k')).toEqual({ ok: true, value: undefined }); // released
  });

  it('loads anyway when the lock store fails (a cache is never why a request fails)', async () => {
    const shared = new ChaosBackend(new MemoryBackend(), { shared: true });
    const cache = new CacheService({ backend: shared, resilience: false });
    shared.setMode('fail');
    expect(await cache.getOrSet('k', () => 'loaded')).toBe('loaded');
  });

  it('a waiter whose holder never finishes loads by itself after maxWait', async () => {
    const memory = new MemoryBackend();
    const shared = new ChaosBackend(memory, { shared: true });
    const a = new CacheService({ backend: shared, resilience: false, protection: { maxWait: '50ms' } });
    const b = new CacheService({ backend: shared, resilience: false, protection: { maxWait: '50ms' } });
    const never = deferred<string>();
    void a.getOrSet('k', () => never.promise);
    await sleep(5);
    expect(await b.getOrSet('k', () => 'b loaded')).toBe('b loaded');
    never.resolve('a');
  });
});
