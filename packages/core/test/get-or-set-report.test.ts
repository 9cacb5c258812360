import { describe, expect, it } from 'vitest';
import {
  type GetOrSetReport,
  JsonSerializer,
  LoaderError,
  type Serializer,
  silentLogger,
} from '../src/index.js';
import { deferred, memoryCache, sleep } from './support/factories.js';

/** Stores `value` already expired but within its grace period (`getOrSet` serves it stale). */
async function staleEntry(cache: ReturnType<typeof memoryCache>['cache'], key: string, value: unknown) {
  await cache.set(key, value, { ttl: 0.001, grace: 60 });
  await sleep(5);
}

describe('getOrSetReport: how the value was obtained', () => {
  it('reports a load, then a hit with when its entry was written', async () => {
    const { cache } = memoryCache();
    expect(await cache.getOrSetReport('k', () => ({ n: 1 }))).toEqual({
      value: { n: 1 },
      outcome: 'loaded',
      stored: true,
    });
    const written = (await cache.inspect('k'))?.createdAt;
    expect(written).toBeTypeOf('number');
    expect(await cache.getOrSetReport('k', () => ({ n: 2 }))).toEqual({
      value: { n: 1 },
      outcome: 'hit',
      stored: true,
      storedAt: written,
    });
  });

  it('reports joiners as shared, with the leader’s store, and counts one load', async () => {
    const { cache } = memoryCache();
    const gate = deferred();
    let loads = 0;
    const loader = async () => {
      loads++;
      await gate.promise;
      return { n: 1 };
    };
    const all = Promise.all([1, 2, 3].map(() => cache.getOrSetReport('k', loader)));
    await sleep(5);
    gate.resolve();
    const [leader, ...joiners] = await all;
    expect(loads).toBe(1);
    expect(leader?.outcome).toBe('loaded');
    for (const joiner of joiners)
      expect(joiner).toEqual({ value: { n: 1 }, outcome: 'shared', stored: true });
    expect(cache.stats()).toMatchObject({ loads: 1, sets: 1, lockWaits: 2 });
  });

  it('says why a value was not stored: skipStore(detail), shared with joiners', async () => {
    const { cache } = memoryCache();
    const gate = deferred();
    const loader = async (ctx: { skipStore(detail?: string): void }) => {
      await gate.promise;
      ctx.skipStore('private');
      return { n: 1 };
    };
    const all = Promise.all([cache.getOrSetReport('k', loader), cache.getOrSetReport('k', loader)]);
    await sleep(5);
    gate.resolve();
    const [leader, joiner] = await all;
    const notStored = { reason: 'skipped', detail: 'private' };
    expect(leader).toEqual({ value: { n: 1 }, outcome: 'loaded', stored: notStored });
    expect(joiner).toEqual({ value: { n: 1 }, outcome: 'shared', stored: notStored });
    expect(await cache.has('k')).toBe(false);
  });

  it('reports a stale value served while it refreshes', async () => {
    const { cache } = memoryCache();
    await staleEntry(cache, 'k', 'old');
    const written = (await cache.inspect('k'))?.createdAt;
    const report = await cache.getOrSetReport('k', () => 'new', { grace: 60 });
    expect(report).toEqual({ value: 'old', outcome: 'stale', stored: true, storedAt: written });
  });

  it('reports a loader failure answered with the stale value as fallback (throwing or serveStale)', async () => {
    const { cache } = memoryCache();
    await staleEntry(cache, 'k', 'old');
    const options = { grace: 60, refresh: 'caller' } as const;
    const thrown = await cache.getOrSetReport(
      'k',
      () => {
        throw new Error('down');
      },
      options,
    );
    expect(thrown).toEqual({ value: 'old', outcome: 'fallback', stored: { reason: 'failed' } });
    const served = await cache.getOrSetReport('k', (ctx) => ctx.serveStale(), options);
    expect(served).toEqual({ value: 'old', outcome: 'fallback', stored: { reason: 'failed' } });
    expect(cache.stats().sets).toBe(1); // the stale entry only
  });

  it('noFallback lets the loader’s error through despite a stale value', async () => {
    const { cache } = memoryCache();
    await staleEntry(cache, 'k', 'old');
    const error = new Error('handler failed');
    const report = cache.getOrSetReport(
      'k',
      (ctx) => {
        ctx.noFallback();
        throw error;
      },
      { grace: 60, refresh: 'caller' },
    );
    await expect(report).rejects.toMatchObject({ name: 'LoaderError', cause: error, shared: false });
  });

  it('serveStale without a stale value is a usage error', async () => {
    const { cache } = memoryCache();
    await expect(cache.getOrSetReport('k', (ctx) => ctx.serveStale())).rejects.toMatchObject({
      name: 'LoaderError',
      cause: { name: 'CacheUsageError', field: 'serveStale' },
    });
  });

  it('marks loader errors, its own or the shared load’s; getOrSet still throws them as they are', async () => {
    const { cache } = memoryCache();
    const gate = deferred();
    const error = new Error('query failed');
    const loader = async () => {
      await gate.promise;
      throw error;
    };
    const all = Promise.allSettled([cache.getOrSetReport('k', loader), cache.getOrSetReport('k', loader)]);
    await sleep(5);
    gate.resolve();
    const [own, joined] = await all;
    const reason = (r: PromiseSettledResult<unknown> | undefined): LoaderError =>
      (r as PromiseRejectedResult).reason as LoaderError;
    expect(reason(own)).toBeInstanceOf(LoaderError);
    expect(reason(own)).toMatchObject({ cause: error, shared: false });
    expect(reason(joined)).toMatchObject({ cause: error, shared: true });
    await expect(cache.getOrSet('k', loader)).rejects.toBe(error);
  });

  it('reports a load made because the cache could not be read as degraded, never rejecting', async () => {
    const { cache, backend } = memoryCache({ logger: silentLogger });
    backend.setMode('fail');
    const report = await cache.getOrSetReport('k', () => 'v');
    expect(report).toEqual({ value: 'v', outcome: 'degraded', stored: { reason: 'cache-error' } });
  });

  it('reports a load superseded by a write of its key as not stored', async () => {
    const { cache } = memoryCache();
    const gate = deferred();
    const pending = cache.getOrSetReport('k', async () => {
      await gate.promise;
      return 'old';
    });
    await sleep(5);
    await cache.set('k', 'new');
    gate.resolve();
    expect(await pending).toEqual({ value: 'old', outcome: 'loaded', stored: { reason: 'superseded' } });
    expect(await cache.get('k')).toBe('new');
  });
});

describe('every caller gets its own copy', () => {
  type Box = { list: number[] };
  const mutate = (report: GetOrSetReport<Box> | Box): void => {
    const box = 'outcome' in report ? (report.value as Box) : report;
    box.list.push(99);
  };

  it('mutating what a leader, a joiner or a hit got never changes what another caller gets', async () => {
    const { cache } = memoryCache();
    const gate = deferred();
    const loader = async () => {
      await gate.promise;
      return { list: [1] };
    };
    const all = Promise.all([1, 2, 3].map(() => cache.getOrSetReport<Box>('k', loader)));
    await sleep(5);
    gate.resolve();
    const [leader, a, b] = await all;
    expect([leader?.outcome, a?.outcome, b?.outcome]).toEqual(['loaded', 'shared', 'shared']);
    expect(new Set([leader?.value, a?.value, b?.value]).size).toBe(3);
    for (const report of [leader, a, b]) mutate(report as GetOrSetReport<Box>);
    const hit = await cache.getOrSet<Box>('k', loader);
    expect(hit).toEqual({ list: [1] });
    mutate(hit);
    expect(await cache.getOrSet<Box>('k', loader)).toEqual({ list: [1] });
    expect([leader, a, b].map((r) => r?.value)).toEqual([
      { list: [1, 99] },
      { list: [1, 99] },
      { list: [1, 99] },
    ]);
  });

  it('joiners of a load that was not stored get copies too', async () => {
    const { cache } = memoryCache();
    const gate = deferred();
    const loader = async (ctx: { skipStore(): void }) => {
      await gate.promise;
      ctx.skipStore();
      return { list: [1] };
    };
    const all = Promise.all([cache.getOrSet<Box>('k', loader), cache.getOrSet<Box>('k', loader)]);
    await sleep(5);
    gate.resolve();
    const [leader, joiner] = await all;
    expect(leader).not.toBe(joiner);
    mutate(leader as Box);
    expect(joiner).toEqual({ list: [1] });
  });

  it('copies from the bytes the load stored: one serialization per load, one deserialization per joiner', async () => {
    const json = new JsonSerializer();
    const counts = { serialize: 0, deserialize: 0 };
    const serializer: Serializer = {
      name: json.name,
      serialize: (value) => {
        counts.serialize++;
        return json.serialize(value);
      },
      deserialize: (bytes) => {
        counts.deserialize++;
        return json.deserialize(bytes);
      },
    };
    const { cache } = memoryCache({ serializer });
    const gate = deferred();
    const loader = async () => {
      await gate.promise;
      return { list: [1] };
    };
    const all = Promise.all([1, 2, 3, 4].map(() => cache.getOrSet<Box>('k', loader)));
    await sleep(5);
    gate.resolve();
    expect(new Set(await all).size).toBe(4);
    expect(counts).toEqual({ serialize: 1, deserialize: 3 });
  });

  it('with sharedValues, joiners get the leader’s object, as readers get one object per entry', async () => {
    const { cache } = memoryCache({ sharedValues: true });
    const gate = deferred();
    const loader = async () => {
      await gate.promise;
      return { list: [1] };
    };
    const all = Promise.all([cache.getOrSetReport<Box>('k', loader), cache.getOrSetReport<Box>('k', loader)]);
    await sleep(5);
    gate.resolve();
    const [leader, joiner] = await all;
    expect(joiner?.outcome).toBe('shared');
    expect(joiner?.value).toBe(leader?.value);
  });
});
