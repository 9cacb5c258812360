import {
  CacheMetrics,
  type CacheMetricsOptions,
  type CacheService,
  METRICS,
  type MetricAttributes,
} from '@tagcache/core';
import { Registry } from 'prom-client';

/** Prometheus label names for the OpenTelemetry attribute names (Prometheus labels have no dots). */
const LABELS: Readonly<Record<string, string>> = {
  'tagcache.cache': 'cache',
  'tagcache.backend': 'backend',
  'tagcache.tier': 'tier',
  'tagcache.source': 'source',
  'tagcache.source.name': 'source_name',
  'http.route': 'route',
  'http.request.method': 'method',
  'db.collection.name': 'model',
  'db.operation.name': 'model_operation',
  'tagcache.result': 'result',
  'tagcache.operation': 'operation',
  'tagcache.error.code': 'code',
  'tagcache.origin': 'origin',
  'tagcache.purger': 'purger',
};

/** Options of {@link prometheusMetrics}. */
export interface PrometheusOptions extends Omit<CacheMetricsOptions, 'onDuration'> {
  /** The caches to report. */
  readonly caches: Iterable<CacheService>;
  /** A prom-client registry to add the metrics to (your app's, e.g. prom-client's `register`). Default: a new one. */
  readonly registry?: Registry;
}

/** What {@link prometheusMetrics} returns. */
export interface PrometheusMetrics {
  /** The registry holding the metrics (`await registry.metrics()` is the exposition text). */
  readonly registry: Registry;
  /** The aggregated values. */
  readonly metrics: CacheMetrics;
  /** Stops listening to the caches and removes the metrics from the registry. */
  close(): void;
}

/** A prom-client metric: what `Registry.registerMetric` reads. */
interface CollectedMetric {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram';
  readonly aggregator: 'sum';
  get(): Promise<{
    name: string;
    help: string;
    type: 'counter' | 'histogram';
    aggregator: 'sum';
    values: { labels: Record<string, string | number>; value: number; metricName?: string }[];
  }>;
}

/**
 * The caches' metrics in a prom-client registry, read from a {@link CacheMetrics} when scraped:
 * nothing is computed per request. Names: `tagcache_reads_total`, `tagcache_loads_total`,
 * `tagcache_errors_total`, `tagcache_invalidations_total`, `tagcache_purges_total`, `tagcache_backend_duration_seconds`,
 * `tagcache_load_duration_seconds`.
 */
export function prometheusMetrics(options: PrometheusOptions): PrometheusMetrics {
  const { caches, registry = new Registry(), ...rest } = options;
  const metrics = new CacheMetrics(caches, rest);
  const registered: CollectedMetric[] = [];
  for (const name of ['reads', 'loads', 'errors', 'invalidations', 'purges'] as const) {
    const metricName = `${METRICS[name].name.replace(/\./g, '_')}_total`;
    registered.push(
      collected(metricName, METRICS[name].description, 'counter', () =>
        metrics.snapshot().counters[name].map((p) => ({ labels: labels(p.attributes), value: p.value })),
      ),
    );
  }
  for (const name of ['backendDuration', 'loadDuration'] as const) {
    const metricName = `${METRICS[name].name.replace(/\./g, '_')}_seconds`;
    registered.push(
      collected(metricName, `${METRICS[name].description} (seconds)`, 'histogram', () =>
        metrics.snapshot().histograms[name].flatMap((h) => {
          const base = labels(h.attributes);
          const rows: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
          let cumulative = 0;
          h.boundaries.forEach((le, i) => {
            cumulative += h.counts[i] ?? 0;
            rows.push({ labels: { ...base, le }, value: cumulative, metricName: `${metricName}_bucket` });
          });
          rows.push({ labels: { ...base, le: '+Inf' }, value: h.count, metricName: `${metricName}_bucket` });
          rows.push({ labels: base, value: h.sum, metricName: `${metricName}_sum` });
          rows.push({ labels: base, value: h.count, metricName: `${metricName}_count` });
          return rows;
        }),
      ),
    );
  }
  for (const metric of registered) registry.registerMetric(metric as never);
  return {
    registry,
    metrics,
    close() {
      metrics.close();
      for (const metric of registered) registry.removeSingleMetric(metric.name);
    },
  };
}

function labels(attributes: MetricAttributes): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) out[LABELS[key] ?? key.replace(/\W/g, '_')] = value;
  return out;
}

function collected(
  name: string,
  help: string,
  type: 'counter' | 'histogram',
  values: () => { labels: Record<string, string | number>; value: number; metricName?: string }[],
): CollectedMetric {
  return {
    name,
    help,
    type,
    aggregator: 'sum',
    get: async () => ({ name, help, type, aggregator: 'sum', values: values() }),
  };
}
