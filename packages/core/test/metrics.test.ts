import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CacheMetrics,
  type CacheSource,
  CacheUsageError,
  type CounterPoint,
  instrumentCaches,
  type OtelMeter,
  PurgeError,
  type Purger,
} from '../src/index.js';
import { memoryCache } from './support/factories.js';

/** A pull reader: `collect()` returns what the SDK holds now. */
class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

const value = (points: readonly CounterPoint[], match: Record<string, string>): number =>
  points
    .filter((p) => Object.entries(match).every(([k, v]) => p.attributes[k] === v))
    .reduce((sum, p) => sum + p.value, 0);

const ROUTE: CacheSource = { kind: 'http', route: '/products/:id', method: 'GET' };
const MODEL: CacheSource = { kind: 'prisma', model: 'Product', operation: 'findMany' };

describe('CacheMetrics', () => {
  it('counts hits, stale hits, misses and loads per source, and times loads and backend calls', async () => {
    const { cache } = memoryCache({ name: 'pages' });
    const metrics = new CacheMetrics([cache]);
    closers.push(() => metrics.close());
    await cache.getOrSet('p:1', () => 1, { source: ROUTE }); // miss + load
    await cache.getOrSet('p:1', () => 1, { source: ROUTE }); // hit
    await cache.getOrSet('p:2', () => 2, { source: { ...ROUTE } }); // same names, another object
    await cache.getOrSet('q', () => 'rows', { source: MODEL });
    await cache.get('q'); // no source
    await expect(
      cache.getOrSet('boom', () => Promise.reject(new Error('x')), { source: MODEL }),
    ).rejects.toThrow();

    const { counters, histograms } = metrics.snapshot();
    const http = { 'tagcache.source': 'http', 'http.route': '/products/:id', 'http.request.method': 'GET' };
    expect(value(counters.reads, { ...http, 'tagcache.result': 'hit' })).toBe(1);
    expect(value(counters.reads, { ...http, 'tagcache.result': 'miss' })).toBe(2);
    expect(value(counters.reads, { 'db.collection.name': 'Product', 'tagcache.result': 'miss' })).toBe(2);
    expect(value(counters.reads, { 'tagcache.source': 'none', 'tagcache.result': 'hit' })).toBe(1);
    expect(value(counters.loads, { 'db.operation.name': 'findMany', 'tagcache.result': 'error' })).toBe(1);
    expect(value(counters.loads, { 'tagcache.result': 'ok' })).toBe(3);
    for (const point of counters.reads) {
      expect(point.attributes).toMatchObject({ 'tagcache.cache': 'pages', 'tagcache.tier': 'l1' });
    }
    const loadCount = histograms.loadDuration.reduce((n, h) => n + h.count, 0);
    expect(loadCount).toBe(4);
    // Backend calls are timed one in 16, the first one included: here the first get.
    const timed = histograms.backendDuration.reduce((n, h) => n + h.count, 0);
    expect(timed).toBe(1);
    expect(histograms.backendDuration[0]?.attributes['tagcache.operation']).toBe('get');
  });

  it('counts invalidated tags by origin, and errors by operation and code', async () => {
    const { cache, backend } = memoryCache();
    const metrics = new CacheMetrics([cache]);
    closers.push(() => metrics.close());
    await cache.invalidateTags(['a', 'b']);
    await cache.invalidateTags(['c'], { source: MODEL });
    backend.setMode('fail');
    await cache.get('k');
    backend.setMode('pass');
    const { counters } = metrics.snapshot();
    expect(value(counters.invalidations, { 'tagcache.origin': 'manual' })).toBe(2);
    expect(value(counters.invalidations, { 'tagcache.origin': 'prisma' })).toBe(1);
    expect(value(counters.errors, { 'tagcache.operation': 'get', 'tagcache.error.code': 'CONNECTION' })).toBe(
      1,
    );
  });

  it('counts CDN purges by purger and result', async () => {
    let fail = false;
    const purger: Purger = {
      name: 'edge',
      batch: { maxTags: 10 },
      purge: async () => {
        if (fail) throw new PurgeError('HTTP', 'refused', { status: 400 });
      },
    };
    const { cache } = memoryCache({ purgers: [purger] });
    const metrics = new CacheMetrics([cache]);
    closers.push(() => metrics.close());
    await cache.invalidateTags(['a']);
    await cache.settlePurges();
    fail = true;
    await cache.invalidateTags(['b']);
    await cache.settlePurges();
    const purges = metrics.snapshot().counters.purges;
    expect(value(purges, { 'tagcache.purger': 'edge', 'tagcache.result': 'ok' })).toBe(1);
    expect(value(purges, { 'tagcache.purger': 'edge', 'tagcache.result': 'error' })).toBe(1);
    await cache.close();
  });

  it('keeps at most maxSources series per cache: further sources count as "other"', async () => {
    const { cache } = memoryCache();
    const metrics = new CacheMetrics([cache], { maxSources: 3 });
    closers.push(() => metrics.close());
    for (let i = 0; i < 50; i++) {
      await cache.getOrSet(`k${i}`, () => i, { source: { kind: 'app', name: `n${i}` } });
    }
    const reads = metrics.snapshot().counters.reads;
    const sources = new Set(
      reads.map((p) => p.attributes['tagcache.source.name'] ?? p.attributes['tagcache.source']),
    );
    expect(sources).toEqual(new Set(['n0', 'n1', 'n2', 'other']));
    expect(value(reads, { 'tagcache.source': 'other', 'tagcache.result': 'miss' })).toBe(47);
  });

  it('stops counting after close(), and refuses bad options naming the field', async () => {
    const { cache } = memoryCache();
    const metrics = new CacheMetrics([cache]);
    metrics.close();
    await cache.get('x');
    expect(metrics.snapshot().counters.reads).toEqual([]);
    expect(() => new CacheMetrics([cache], { maxSources: -1 })).toThrow(CacheUsageError);
    expect(() => new CacheMetrics([cache], { buckets: [1, 0.5] })).toThrow(/buckets/);
  });

  it('hands one hit in sampleHits.every per cache to onSample, with the cache name and backend key', async () => {
    const { cache: a } = memoryCache({ name: 'a' });
    const { cache: b } = memoryCache({ name: 'b' });
    await a.set('k', 1);
    await b.set('j', 2);
    const samples: string[] = [];
    const metrics = new CacheMetrics([a, b], {
      sampleHits: { every: 3, onSample: (name, key) => samples.push(`${name} ${key}`) },
    });
    closers.push(() => metrics.close());
    for (let i = 0; i < 7; i++) await a.get('k');
    for (let i = 0; i < 2; i++) await b.getOrSet('j', () => 0); // not yet a sample
    await a.get('missing'); // misses are not sampled
    expect(samples).toEqual(['a |k', 'a |k']);
    expect(value(metrics.snapshot().counters.reads, { 'tagcache.result': 'hit' })).toBe(9);
    expect(() => new CacheMetrics([a], { sampleHits: { every: 0, onSample: () => {} } })).toThrow(
      /sampleHits\.every/,
    );
  });

  it('without metrics a hit reads no clock; with metrics one backend read in 16 is timed', async () => {
    const { cache } = memoryCache();
    await cache.set('k', 1);
    const original = performance.now;
    let clockReads = 0;
    const hundredHits = async (): Promise<number> => {
      clockReads = 0;
      performance.now = () => {
        clockReads++;
        return original.call(performance);
      };
      try {
        for (let i = 0; i < 100; i++) await cache.getOrSet('k', () => 2);
      } finally {
        performance.now = original;
      }
      return clockReads;
    };
    // (lru-cache may read the clock once for its own TTL bookkeeping: not per hit)
    expect(await hundredHits()).toBeLessThan(2);
    const metrics = new CacheMetrics([cache]);
    closers.push(() => metrics.close());
    // 100 reads: reads 1, 17, 33, 49, 65, 81 and 97 timed, two clock reads each
    const timed = await hundredHits();
    expect(timed).toBeGreaterThanOrEqual(14);
    expect(timed).toBeLessThanOrEqual(15); // (+1 if lru-cache reads its clock)
  });
});

describe('instrumentCaches (OpenTelemetry SDK)', () => {
  it('reports counters and histograms through a real MeterProvider', async () => {
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    const { cache } = memoryCache({ name: 'otel' });
    const otel = await instrumentCaches([cache], { meter: provider.getMeter('test') as OtelMeter });
    closers.push(() => otel.stop());
    await cache.getOrSet('k', () => 1, { source: ROUTE });
    await cache.getOrSet('k', () => 1, { source: ROUTE });
    await cache.invalidateTags(['t']);

    const { resourceMetrics } = await reader.collect();
    const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const byName = new Map(all.map((m) => [m.descriptor.name, m]));
    expect([...byName.keys()].sort()).toEqual(
      [
        'tagcache.backend.duration',
        'tagcache.invalidations',
        'tagcache.load.duration',
        'tagcache.loads',
        'tagcache.reads',
      ].sort(),
    );
    const reads = byName.get('tagcache.reads')!.dataPoints as {
      attributes: Record<string, unknown>;
      value: number;
    }[];
    const hit = reads.find((p) => p.attributes['tagcache.result'] === 'hit');
    expect(hit?.value).toBe(1);
    expect(hit?.attributes['http.route']).toBe('/products/:id');
    const loads = byName.get('tagcache.load.duration')!.dataPoints as { value: { count: number } }[];
    expect(loads[0]?.value.count).toBe(1);
    await provider.shutdown();
  });

  it('imports @opentelemetry/api lazily: without an SDK it is a no-op', async () => {
    const { cache } = memoryCache();
    const otel = await instrumentCaches([cache]);
    closers.push(() => otel.stop());
    await cache.getOrSet('k', () => 1);
    expect(value(otel.metrics.snapshot().counters.reads, { 'tagcache.result': 'miss' })).toBe(1);
  });
});
