import { afterAll, describe, expect, it } from 'vitest';
import { redisUrl } from '../../../test/support/test-servers.js';
import {
  type CacheEvents,
  CacheService,
  MemoryBackend,
  MsgpackSerializer,
  RedisBackend,
} from '../src/index.js';
import { LoopbackHub } from '../src/testing/index.js';

const url = redisUrl();

/** Both in-process tiers: the memory backend, and an L1 in front of a shared store. */
const tiers = [
  ['memory backend', () => new CacheService({ backend: new MemoryBackend() })],
  [
    'L1 tier',
    () => new CacheService({ backend: new MemoryBackend(), l1: {}, bus: new LoopbackHub().connect() }),
  ],
] as const;

describe.each(tiers)('hitNow: %s', (_name, make) => {
  it('answers a fresh hit synchronously, counted and reported like a getOrSet hit', async () => {
    const cache = make();
    const hits: CacheEvents['hit'][] = [];
    cache.on('hit', (event) => hits.push(event));
    await cache.set('k', { n: 1 }, { tags: ['t'] });
    await cache.get('k'); // an L1 learns the tag's version from a first read
    const before = cache.stats().hits;
    const source = { kind: 'http', route: '/k', method: 'GET' } as const;
    const report = cache.hitNow<{ n: number }>('k', { source });
    expect(report).toMatchObject({ value: { n: 1 }, outcome: 'hit', stored: true });
    expect(report!.storedAt).toBeTypeOf('number');
    expect(cache.stats().hits).toBe(before + 1);
    expect(hits.at(-1)).toEqual({ key: expect.stringContaining('k'), stale: false, source });
  });

  it('is undefined, counting nothing, for an absent, invalidated or stale entry', async () => {
    const cache = make();
    expect(cache.hitNow('absent')).toBeUndefined();
    await cache.set('tagged', 1, { tags: ['t'] });
    await cache.get('tagged');
    await cache.invalidateTags(['t']);
    expect(cache.hitNow('tagged')).toBeUndefined();
    await cache.set('old', 1, { ttl: 0.02, grace: 60 });
    await cache.get('old');
    await new Promise((resolve) => setTimeout(resolve, 40));
    // Stale within grace: getOrSet answers it and refreshes it behind the caller, held open here.
    let finish!: (value: number) => void;
    const refreshing = new Promise<number>((resolve) => {
      finish = resolve;
    });
    expect(await cache.getOrSet('old', () => refreshing, { grace: 60 })).toBe(1);
    expect(cache.hitNow('old')).toBeUndefined(); // a stale answer needs getOrSet (it refreshes)
    finish(2);
    const { hits, misses } = cache.stats();
    expect(cache.hitNow('absent')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits, misses });
  });

  it('hands each caller its own copy, or with `shared` the kept object (the same while the entry is)', async () => {
    const cache = make();
    await cache.set('k', { list: [1] });
    await cache.get('k');
    const mine = cache.hitNow<{ list: number[] }>('k')!.value;
    mine.list.push(2);
    expect(cache.hitNow('k')!.value).toEqual({ list: [1] });
    const kept = cache.hitNow<{ list: number[] }>('k', { shared: true })!.value;
    expect(cache.hitNow('k', { shared: true })!.value).toBe(kept);
    expect(cache.hitNow('k')!.value).not.toBe(kept);
    await cache.set('k', { list: [3] });
    await cache.get('k');
    const replaced = cache.hitNow<{ list: number[] }>('k', { shared: true })!.value;
    expect(replaced).not.toBe(kept);
    expect(replaced).toEqual({ list: [3] });
  });

  it('rejects a bad key like every other call', () => {
    const cache = make();
    expect(() => cache.hitNow('')).toThrow(/key/);
  });
});

describe('hitNow on an unreadable entry', () => {
  it('reports nothing itself: the getOrSet that follows reports the entry once', async () => {
    const backend = new MemoryBackend();
    // Another service on the same backend wrote the entry with its own serializer.
    await new CacheService({ backend, serializer: new MsgpackSerializer() }).set('k', { n: 1 });
    const cache = new CacheService({ backend });
    const errors: CacheEvents['error'][] = [];
    cache.on('error', (event) => errors.push(event));
    expect(cache.hitNow('k')).toBeUndefined();
    expect([errors.length, cache.stats().errors]).toEqual([0, 0]);
    expect((await cache.getOrSetReport('k', () => ({ n: 2 }))).value).toEqual({ n: 2 });
    expect(errors.map((event) => event.error.code)).toEqual(['SERIALIZATION']);
    expect(cache.stats().errors).toBe(1);
  });
});

describe.skipIf(!url)('hitNow on a shared backend without an L1', () => {
  const cache = new CacheService({
    backend: new RedisBackend({ url: url! }),
    prefix: `hitnow-${process.pid}:`,
  });
  afterAll(() => cache.close());

  it('is undefined even for an entry the backend holds (the answer needs a round trip)', async () => {
    await cache.set('k', 1);
    expect(await cache.get('k')).toBe(1);
    expect(cache.hitNow('k')).toBeUndefined();
  });
});
