import type { ReadObserver } from '../observability/read-observers.js';
import type { CacheSource } from '../types/events.js';
import type { HitSampleOptions } from './cache-metrics.js';
import type { Histogram } from './histogram.js';
import type { MetricAttributes } from './metric-names.js';
import { SourceSeries, sourceAttributes, sourceId } from './source-series.js';

/** A counter of one attribute set (errors, invalidations, purges). */
export interface CountedAttributes {
  readonly attributes: MetricAttributes;
  value: number;
}

/**
 * One cache's series, and the observer of its reads: a hit is an increment on the series of
 * its source, found by identity against the last source seen (adapters pass one constant
 * object per route or model), else by a map lookup. No allocation, no clock; one hit in
 * `sample.every` is handed to `sample.onSample`.
 */
export class CacheSeries implements ReadObserver {
  readonly none: SourceSeries;
  readonly other: SourceSeries;
  readonly bySource = new Map<CacheSource, SourceSeries>();
  readonly byId = new Map<string, SourceSeries>();
  readonly errors = new Map<string, CountedAttributes>();
  readonly invalidations = new Map<string, CountedAttributes>();
  readonly purges = new Map<string, CountedAttributes>();
  readonly calls = new Map<string, { attributes: MetricAttributes; histogram: Histogram }>();
  #lastSource: CacheSource | undefined;
  #lastSeries: SourceSeries;
  /** Hits since the last one sampled. */
  #unsampled = 0;

  constructor(
    readonly name: string,
    readonly base: MetricAttributes,
    readonly buckets: readonly number[],
    readonly maxSources: number,
    readonly sample: HitSampleOptions | undefined,
  ) {
    this.none = new SourceSeries(base, sourceAttributes(undefined), buckets);
    this.other = new SourceSeries(base, { 'tagcache.source': 'other' }, buckets);
    this.#lastSeries = this.none;
  }

  hit(key: string, stale: boolean, source: CacheSource | undefined): void {
    const series = source === this.#lastSource ? this.#lastSeries : this.series(source);
    if (stale) series.stale++;
    else series.hits++;
    const sample = this.sample;
    if (sample !== undefined && ++this.#unsampled >= sample.every) {
      this.#unsampled = 0;
      try {
        sample.onSample(this.name, key);
      } catch {
        // A faulty sampler must not turn a cache read into a failed request.
      }
    }
  }

  miss(_key: string, source: CacheSource | undefined): void {
    (source === this.#lastSource ? this.#lastSeries : this.series(source)).misses++;
  }

  /** The series of a source: by identity first, then by names; `other` past `maxSources`. */
  series(source: CacheSource | undefined): SourceSeries {
    const series = source === undefined ? this.none : (this.bySource.get(source) ?? this.#named(source));
    this.#lastSource = source;
    this.#lastSeries = series;
    return series;
  }

  #named(source: CacheSource): SourceSeries {
    const id = sourceId(source);
    let series = this.byId.get(id);
    if (series === undefined) {
      if (this.byId.size >= this.maxSources) return this.other;
      series = new SourceSeries(this.base, sourceAttributes(source), this.buckets);
      this.byId.set(id, series);
    }
    // Sources built anew on every call would grow this map: it is a cache, so start it over.
    if (this.bySource.size >= 4 * this.maxSources + 16) this.bySource.clear();
    this.bySource.set(source, series);
    return series;
  }
}
