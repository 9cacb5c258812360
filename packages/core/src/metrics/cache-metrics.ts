import type { CacheService } from '../cache-service.js';
import { CacheUsageError } from '../errors.js';
import { readObserversOf } from '../observability/read-observers.js';
import type { BackendCall, CacheEvents } from '../types/events.js';
import { CacheSeries, type CountedAttributes } from './cache-series.js';
import { DURATION_BUCKETS, Histogram } from './histogram.js';
import type { CounterName, HistogramName, MetricAttributes } from './metric-names.js';

/** Options of {@link CacheMetrics}. */
export interface CacheMetricsOptions {
  /**
   * Most distinct sources (routes, Prisma model/operation pairs, app names) kept per cache;
   * calls from further sources are counted under `tagcache.source="other"`. Default 200.
   */
  readonly maxSources?: number;
  /** Duration histogram boundaries in seconds. Default {@link DURATION_BUCKETS}. */
  readonly buckets?: readonly number[];
  /**
   * Called with every duration observed (seconds) and its attributes (objects reused between
   * calls: do not mutate). For exporters that record histograms themselves (OpenTelemetry).
   */
  readonly onDuration?: (histogram: HistogramName, seconds: number, attributes: MetricAttributes) => void;
  /**
   * Hands one hit in `every` of each cache (by a counter, not at random) to `onSample`: how the
   * dashboard finds hot keys without a `hit` listener, which would build an event per hit.
   */
  readonly sampleHits?: HitSampleOptions;
}

/** Option `sampleHits` of {@link CacheMetricsOptions}. */
export interface HitSampleOptions {
  /** One hit in this many (a positive integer) is handed over, per cache. */
  readonly every: number;
  /** Called with the cache's `name` and the hit's backend key (as in the `hit` event). */
  readonly onSample: (cache: string, key: string) => void;
}

/** One counter value with its attributes. */
export interface CounterPoint {
  readonly attributes: MetricAttributes;
  readonly value: number;
}

/** One histogram with its attributes: `counts[i]` per bucket (not cumulative; the last is `+Inf`). */
export interface HistogramPoint {
  readonly attributes: MetricAttributes;
  readonly boundaries: readonly number[];
  readonly counts: readonly number[];
  readonly count: number;
  readonly sum: number;
}

/** Every metric's current value (cumulative since {@link CacheMetrics} was created). */
export interface MetricsSnapshot {
  readonly counters: Readonly<Record<CounterName, readonly CounterPoint[]>>;
  readonly histograms: Readonly<Record<HistogramName, readonly HistogramPoint[]>>;
}

/**
 * Aggregates the metrics of one or more caches, in plain numbers: a hit or a miss costs an
 * increment on its source's series (no event object, no clock read; see `cache-series.ts`),
 * the rest comes from the caches' events. Exporters read {@link snapshot} when scraped
 * (Prometheus) or collected (OpenTelemetry observable counters). Bounded memory: a fixed
 * number of series per cache (see {@link CacheMetricsOptions.maxSources}).
 *
 * @example
 * ```ts
 * const metrics = new CacheMetrics([cache]);
 * metrics.snapshot().counters.reads; // [{ attributes: { 'tagcache.result': 'hit', ... }, value: 12 }, ...]
 * metrics.close();
 * ```
 */
export class CacheMetrics {
  readonly #series: CacheSeries[] = [];
  readonly #unsubscribe: (() => void)[] = [];
  readonly #maxSources: number;
  readonly #onDuration: CacheMetricsOptions['onDuration'];
  readonly #sampleHits: HitSampleOptions | undefined;

  constructor(caches: Iterable<CacheService>, options: CacheMetricsOptions = {}) {
    const maxSources = options.maxSources ?? 200;
    if (!Number.isInteger(maxSources) || maxSources < 0) {
      throw new CacheUsageError(`expected a non-negative integer, got ${String(maxSources)}`, 'maxSources');
    }
    const buckets = options.buckets ?? DURATION_BUCKETS;
    if (
      !Array.isArray(buckets) ||
      buckets.some((b, i) => typeof b !== 'number' || (i > 0 && b <= buckets[i - 1]!))
    ) {
      throw new CacheUsageError('expected increasing numbers (seconds)', 'buckets');
    }
    const sampleHits = options.sampleHits;
    if (sampleHits !== undefined && !(Number.isInteger(sampleHits.every) && sampleHits.every > 0)) {
      throw new CacheUsageError(
        `expected a positive integer, got ${String(sampleHits.every)}`,
        'sampleHits.every',
      );
    }
    this.#maxSources = maxSources;
    this.#onDuration = options.onDuration;
    this.#sampleHits = sampleHits;
    for (const cache of caches) this.#attach(cache, buckets);
  }

  /** Current values of every metric. */
  snapshot(): MetricsSnapshot {
    const reads: CounterPoint[] = [];
    const loads: CounterPoint[] = [];
    const errors: CounterPoint[] = [];
    const invalidations: CounterPoint[] = [];
    const purges: CounterPoint[] = [];
    const backendDuration: HistogramPoint[] = [];
    const loadDuration: HistogramPoint[] = [];
    for (const cache of this.#series) {
      for (const series of [cache.none, ...cache.byId.values(), cache.other]) {
        const r = series.withResult;
        if (series.hits + series.stale + series.misses > 0) {
          reads.push({ attributes: r.hit, value: series.hits });
          reads.push({ attributes: r.stale, value: series.stale });
          reads.push({ attributes: r.miss, value: series.misses });
        }
        if (series.loadsOk + series.loadsFailed > 0) {
          loads.push({ attributes: r.ok, value: series.loadsOk });
          loads.push({ attributes: r.error, value: series.loadsFailed });
        }
        if (series.loadOk.count > 0) loadDuration.push(point(r.ok, series.loadOk));
        if (series.loadFailed.count > 0) loadDuration.push(point(r.error, series.loadFailed));
      }
      for (const counter of cache.errors.values()) errors.push({ ...counter });
      for (const counter of cache.invalidations.values()) invalidations.push({ ...counter });
      for (const counter of cache.purges.values()) purges.push({ ...counter });
      for (const call of cache.calls.values()) backendDuration.push(point(call.attributes, call.histogram));
    }
    return {
      counters: { reads, loads, errors, invalidations, purges },
      histograms: { backendDuration, loadDuration },
    };
  }

  /** Stops listening to the caches (the values stay readable). */
  close(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
  }

  #attach(cache: CacheService, buckets: readonly number[]): void {
    const backend = cache.backend;
    const base: MetricAttributes = {
      'tagcache.cache': cache.name,
      'tagcache.backend': backend.name,
      'tagcache.tier': backend.capabilities.shared ? 'l2' : 'l1',
    };
    const observers = readObserversOf(cache);
    if (observers === undefined) {
      throw new CacheUsageError(
        'expected CacheService instances of this copy of @tagcache/core (are two copies installed, or ESM and CommonJS mixed?)',
        'caches',
      );
    }
    const series = new CacheSeries(cache.name, base, buckets, this.#maxSources, this.#sampleHits);
    this.#series.push(series);
    this.#unsubscribe.push(observers.add(series));
    const onDuration = this.#onDuration;
    const listeners: { [E in keyof CacheEvents]?: (payload: CacheEvents[E]) => void } = {
      loaded: ({ durationMs, ok, source }) => {
        const s = series.series(source);
        const seconds = durationMs / 1000;
        if (ok) {
          s.loadsOk++;
          s.loadOk.record(seconds);
        } else {
          s.loadsFailed++;
          s.loadFailed.record(seconds);
        }
        onDuration?.('loadDuration', seconds, ok ? s.withResult.ok : s.withResult.error);
      },
      call: ({ call, durationMs, ok }) => {
        const c = callSeries(series, call, ok);
        const seconds = durationMs / 1000;
        c.histogram.record(seconds);
        onDuration?.('backendDuration', seconds, c.attributes);
      },
      error: ({ error, operation }) => {
        const id = `${operation}\u0000${error.code}`;
        let counter = series.errors.get(id);
        if (counter === undefined) {
          const attributes = { ...base, 'tagcache.operation': operation, 'tagcache.error.code': error.code };
          counter = { attributes, value: 0 };
          series.errors.set(id, counter);
        }
        counter.value++;
      },
      purge: ({ purger }) => count(series.purges, base, purger, 'ok'),
      'purge-error': ({ purger }) => count(series.purges, base, purger, 'error'),
      invalidate: ({ tags, source }) => {
        const origin = source?.kind ?? 'manual';
        let counter = series.invalidations.get(origin);
        if (counter === undefined) {
          counter = { attributes: { ...base, 'tagcache.origin': origin }, value: 0 };
          series.invalidations.set(origin, counter);
        }
        counter.value += tags.length;
      },
    };
    for (const event of Object.keys(listeners) as (keyof CacheEvents)[]) {
      this.#unsubscribe.push(
        cache.on(event, listeners[event] as (payload: CacheEvents[typeof event]) => void),
      );
    }
  }
}

function count(
  counters: Map<string, CountedAttributes>,
  base: MetricAttributes,
  purger: string,
  result: 'ok' | 'error',
): void {
  const id = `${purger}\u0000${result}`;
  let counter = counters.get(id);
  if (counter === undefined) {
    counter = { attributes: { ...base, 'tagcache.purger': purger, 'tagcache.result': result }, value: 0 };
    counters.set(id, counter);
  }
  counter.value++;
}

function callSeries(cache: CacheSeries, call: BackendCall, ok: boolean) {
  const id = ok ? call : `${call}!`;
  let c = cache.calls.get(id);
  if (c === undefined) {
    const attributes = { ...cache.base, 'tagcache.operation': call, 'tagcache.result': ok ? 'ok' : 'error' };
    c = { attributes, histogram: new Histogram(cache.buckets) };
    cache.calls.set(id, c);
  }
  return c;
}

function point(attributes: MetricAttributes, histogram: Histogram): HistogramPoint {
  const { boundaries, count, sum } = histogram;
  return { attributes, boundaries, counts: [...histogram.counts], count, sum };
}
