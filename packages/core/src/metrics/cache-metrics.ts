import type { CacheService } from '../cache-service.js';
import { CacheUsageError } from '../errors.js';
import type { BackendCall, CacheEvents, CacheSource } from '../types/events.js';
import { DURATION_BUCKETS, Histogram } from './histogram.js';
import type { CounterName, HistogramName, MetricAttributes } from './metric-names.js';
import { SourceSeries, sourceAttributes, sourceId } from './source-series.js';

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

/** One cache's series. */
class CacheSeries {
  readonly none: SourceSeries;
  readonly other: SourceSeries;
  readonly bySource = new Map<CacheSource, SourceSeries>();
  readonly byId = new Map<string, SourceSeries>();
  readonly errors = new Map<string, { attributes: MetricAttributes; value: number }>();
  readonly invalidations = new Map<string, { attributes: MetricAttributes; value: number }>();
  readonly purges = new Map<string, { attributes: MetricAttributes; value: number }>();
  readonly calls = new Map<string, { attributes: MetricAttributes; histogram: Histogram }>();

  constructor(
    readonly base: MetricAttributes,
    readonly buckets: readonly number[],
  ) {
    this.none = new SourceSeries(base, sourceAttributes(undefined), buckets);
    this.other = new SourceSeries(base, { 'tagcache.source': 'other' }, buckets);
  }
}

/**
 * Aggregates the metrics of one or more caches from their events, in plain numbers: a hit
 * costs a map lookup and an increment. Exporters read {@link snapshot} when scraped
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
    this.#maxSources = maxSources;
    this.#onDuration = options.onDuration;
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
    const series = new CacheSeries(base, buckets);
    this.#series.push(series);
    const onDuration = this.#onDuration;
    const listeners: { [E in keyof CacheEvents]?: (payload: CacheEvents[E]) => void } = {
      hit: ({ stale, source }) => {
        const s = this.#source(series, source);
        if (stale) s.stale++;
        else s.hits++;
      },
      miss: ({ source }) => {
        this.#source(series, source).misses++;
      },
      loaded: ({ durationMs, ok, source }) => {
        const s = this.#source(series, source);
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

  /** The series of a source: by identity first (adapters reuse their source objects), then by names. */
  #source(cache: CacheSeries, source: CacheSource | undefined): SourceSeries {
    if (source === undefined) return cache.none;
    const known = cache.bySource.get(source);
    if (known !== undefined) return known;
    const id = sourceId(source);
    let series = cache.byId.get(id);
    if (series === undefined) {
      if (cache.byId.size >= this.#maxSources) return cache.other;
      series = new SourceSeries(cache.base, sourceAttributes(source), cache.buckets);
      cache.byId.set(id, series);
    }
    // Sources built anew on every call would grow this map: it is a cache, so start it over.
    if (cache.bySource.size >= 4 * this.#maxSources + 16) cache.bySource.clear();
    cache.bySource.set(source, series);
    return series;
  }
}

function count(
  counters: Map<string, { attributes: MetricAttributes; value: number }>,
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
