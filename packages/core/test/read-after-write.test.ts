import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type CacheBackend, CacheService, MemoryBackend, RedisBackend } from '../src/index.js';
import { deferred, memoryCache } from './support/factories.js';
import { scheduledBackend } from './support/scheduled-backend.js';

const redisUrl = process.env.REDIS_URL;
const redis = redisUrl === undefined ? undefined : new RedisBackend({ url: redisUrl });
afterAll(async () => {
  await redis?.close();
});

const backends: [string, () => CacheBackend, number][] = [['memory', () => new MemoryBackend(), 500]];
if (redis !== undefined) backends.push(['Redis', () => redis, 300]);
else if (process.env.CI === 'true') throw new Error('CI=true: REDIS_URL is not set');

let run = 0;

describe.each(backends)('read after write through getOrSet (%s)', (_name, backend, numRuns) => {
  it('a getOrSet that begins after a write completed never returns older data, joined flights included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        // Each operation begins after a number of scheduler steps, so that reads also begin
        // after writes completed while an older load is still in flight.
        fc.array(fc.tuple(fc.constantFrom('read', 'read', 'invalidate'), fc.nat({ max: 6 })), {
          minLength: 2,
          maxLength: 8,
        }),
        async (s, ops) => {
          const cache = new CacheService({
            backend: scheduledBackend(backend(), s),
            prefix: `raw${++run}:`,
            resilience: false,
          });
          let db = 0;
          /** The database state that every write completed so far has made visible. */
          let floor = 0;
          const loader = async (): Promise<number> => {
            const seen = db;
            await s.schedule(Promise.resolve()); // the query's answer travels back
            return seen;
          };
          const after = async (steps: number): Promise<void> => {
            for (let i = 0; i <= steps; i++) await s.schedule(Promise.resolve());
          };
          const write = async (publish: () => Promise<unknown>): Promise<void> => {
            const written = ++db;
            await publish();
            floor = Math.max(floor, written);
          };
          const running = ops.map(async ([op, steps]) => {
            await after(steps); // the operation begins at a moment the scheduler picks
            if (op === 'invalidate') return write(() => cache.invalidateTags(['t']));
            const atStart = floor;
            const value = await cache.getOrSet('k', loader, { tags: ['t'] });
            if (value < atStart) {
              throw new Error(
                `stale getOrSet: got ${value}, a write of ${atStart} completed before it began`,
              );
            }
          });
          await s.waitFor(Promise.all(running));
          const final = cache.get<number>('k');
          await s.waitFor(final);
          const value = await final;
          if (value !== undefined && value !== db)
            throw new Error(`stale entry: ${value}, database at ${db}`);
        },
      ),
      { numRuns },
    );
  }, 180_000);
});

describe('writes of a key while it is loading', () => {
  it('a getOrSet after a set completed neither joins the older load nor lets it overwrite the set', async () => {
    const { cache } = memoryCache();
    const gate = deferred();
    const first = cache.getOrSet('k', async () => {
      await gate.promise;
      return 'loaded before the set';
    });
    await new Promise((resolve) => setImmediate(resolve)); // the first load is in flight
    await cache.set('k', 'set');
    const second = cache.getOrSet('k', () => 'never called: the set value is there');
    gate.resolve();
    expect(await first).toBe('loaded before the set');
    expect(await second).toBe('set');
    expect(await cache.get('k')).toBe('set');
  });

  it('a getOrSet after a delete completed does not join the load that began before it', async () => {
    const { cache } = memoryCache();
    let db = 'old';
    const gate = deferred();
    const first = cache.getOrSet('k', async () => {
      const seen = db;
      await gate.promise;
      return seen;
    });
    await new Promise((resolve) => setImmediate(resolve));
    db = 'new';
    await cache.delete('k');
    const second = cache.getOrSet('k', () => db);
    gate.resolve();
    expect(await first).toBe('old');
    expect(await second).toBe('new');
    expect(await cache.get('k')).toBe('new');
  });
});

describe('a getOrSet made inside its own key’s loader (re-entrant)', () => {
  // maxWait is an hour: a call that waited for its own flight would outlive the test's timeout.
  const protection = { maxWait: '1h' } as const;

  it('runs its loader at once instead of waiting for the flight it is part of', async () => {
    const { cache } = memoryCache({ protection });
    let loads = 0;
    const inner = (): Promise<string> => cache.getOrSet('k', () => `v${++loads}`, { tags: ['inner'] });
    const value = await cache.getOrSet('k', () => inner(), { tags: ['outer'] });
    expect(value).toBe('v1');
    expect(loads).toBe(1);
    expect(cache.stats()).toMatchObject({ lockWaits: 0, sets: 1 });
    expect(await cache.get('k')).toBe('v1');
    // The nested call's tags reach the stored entry: either tag drops it.
    await cache.invalidateTags(['inner']);
    expect(await cache.get('k')).toBeUndefined();
  }, 10_000);

  it('other callers still share the outer flight, and the nested TTL and skipStore apply to it', async () => {
    const { cache } = memoryCache({ protection });
    const gate = deferred();
    let loads = 0;
    const load = (): Promise<string> =>
      cache.getOrSet(
        'k',
        async () => {
          await gate.promise;
          return cache.getOrSet(
            'k',
            (innerCtx) => {
              innerCtx.skipStore();
              return `v${++loads}`;
            },
            { ttl: 1 },
          );
        },
        { ttl: 60 },
      );
    const callers = [load(), load(), load()];
    gate.resolve();
    expect(await Promise.all(callers)).toEqual(['v1', 'v1', 'v1']);
    expect(loads).toBe(1);
    expect(cache.stats().sets).toBe(0);
  }, 10_000);

  it('a stale refresh that re-enters loads anew instead of storing the stale value again', async () => {
    const { cache } = memoryCache({ protection });
    await cache.set('k', 'old', { ttl: 0.001, grace: 60 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const refreshed = deferred<string>();
    const value = await cache.getOrSet(
      'k',
      async () => {
        const inner = await cache.getOrSet('k', () => 'new', { grace: 60 });
        refreshed.resolve(inner);
        return inner;
      },
      { grace: 60, refresh: 'caller' },
    );
    expect(value).toBe('new');
    expect(await refreshed.promise).toBe('new');
    expect(await cache.get('k')).toBe('new');
  }, 10_000);
});
