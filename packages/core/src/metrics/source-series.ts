import type { CacheSource } from '../types/events.js';
import { Histogram } from './histogram.js';
import type { MetricAttributes } from './metric-names.js';

/** Attributes naming a source (bounded: route templates, models, constants). */
export function sourceAttributes(source: CacheSource | undefined): MetricAttributes {
  if (source === undefined) return { 'tagcache.source': 'none' };
  switch (source.kind) {
    case 'http':
      return { 'tagcache.source': 'http', 'http.route': source.route, 'http.request.method': source.method };
    case 'prisma':
      return {
        'tagcache.source': 'prisma',
        'db.collection.name': source.model,
        'db.operation.name': source.operation,
      };
    case 'app':
      return { 'tagcache.source': 'app', 'tagcache.source.name': source.name };
    default:
      return { 'tagcache.source': 'other' };
  }
}

/** Reads and loads of one source in one cache, with attributes built once. */
export class SourceSeries {
  hits = 0;
  stale = 0;
  misses = 0;
  loadsOk = 0;
  loadsFailed = 0;
  readonly loadOk: Histogram;
  readonly loadFailed: Histogram;
  /** Base attributes (cache, backend, tier, source). */
  readonly attributes: MetricAttributes;
  /** Base attributes plus `tagcache.result`, one object per result. */
  readonly withResult: Readonly<Record<'hit' | 'stale' | 'miss' | 'ok' | 'error', MetricAttributes>>;

  constructor(base: MetricAttributes, source: MetricAttributes, buckets: readonly number[]) {
    this.attributes = { ...base, ...source };
    const result = (value: string): MetricAttributes => ({ ...this.attributes, 'tagcache.result': value });
    this.withResult = {
      hit: result('hit'),
      stale: result('stale'),
      miss: result('miss'),
      ok: result('ok'),
      error: result('error'),
    };
    this.loadOk = new Histogram(buckets);
    this.loadFailed = new Histogram(buckets);
  }
}

/** Stable text for a source: two sources with the same names share one series. */
export function sourceId(source: CacheSource): string {
  switch (source.kind) {
    case 'http':
      return `http\u0000${source.method}\u0000${source.route}`;
    case 'prisma':
      return `prisma\u0000${source.model}\u0000${source.operation}`;
    case 'app':
      return `app\u0000${source.name}`;
    default:
      return 'other';
  }
}
