import type { CacheService } from '../cache-service.js';
import { CacheUsageError } from '../errors.js';
import { CacheMetrics, type CacheMetricsOptions } from './cache-metrics.js';
import { DURATION_BUCKETS } from './histogram.js';
import { type CounterName, type HistogramName, METRICS, type MetricAttributes } from './metric-names.js';

/** The part of an OpenTelemetry `Observable` instrument used here. */
export type OtelObservable = object;

/** The part of an OpenTelemetry `BatchObservableResult` used here. */
export interface OtelBatchResult {
  observe(observable: OtelObservable, value: number, attributes?: MetricAttributes): void;
}

/** The part of an OpenTelemetry `Histogram` used here. */
export interface OtelHistogram {
  record(value: number, attributes?: MetricAttributes): void;
}

/** Instrument options, as OpenTelemetry's `MetricOptions`. */
export interface OtelInstrumentOptions {
  description?: string;
  unit?: string;
  advice?: { explicitBucketBoundaries?: number[] };
}

/**
 * The part of an OpenTelemetry `Meter` (`@opentelemetry/api`) tagcache uses; any real `Meter`
 * fits. Declared here so that `@tagcache/core`'s types do not need the package.
 */
export interface OtelMeter {
  createObservableCounter(name: string, options?: OtelInstrumentOptions): OtelObservable;
  createHistogram(name: string, options?: OtelInstrumentOptions): OtelHistogram;
  addBatchObservableCallback(
    callback: (result: OtelBatchResult) => void,
    observables: OtelObservable[],
  ): void;
  removeBatchObservableCallback(
    callback: (result: OtelBatchResult) => void,
    observables: OtelObservable[],
  ): void;
}

/** Options of {@link instrumentCaches}. */
export interface InstrumentOptions extends Omit<CacheMetricsOptions, 'onDuration'> {
  /**
   * The meter to report to. Default: `metrics.getMeter('@tagcache/core')` from
   * `@opentelemetry/api` (imported on this call only), a no-op until an SDK is registered.
   */
  readonly meter?: OtelMeter;
}

/** What {@link instrumentCaches} returns. */
export interface Instrumentation {
  /** The aggregated values (also what the OpenTelemetry callbacks report). */
  readonly metrics: CacheMetrics;
  /** Stops reporting and listening. */
  stop(): void;
}

/**
 * Reports the metrics of `caches` through the OpenTelemetry metrics API: counters as
 * observable counters read at collection time (a hit costs an increment, not an SDK call),
 * durations as histograms. `@opentelemetry/api` is an optional peer dependency, imported only
 * here; without an SDK it is a no-op.
 *
 * @example
 * ```ts
 * const otel = await instrumentCaches([cache]); // after the SDK's MeterProvider is registered
 * otel.stop();
 * ```
 */
export async function instrumentCaches(
  caches: Iterable<CacheService>,
  options: InstrumentOptions = {},
): Promise<Instrumentation> {
  const meter = options.meter ?? (await defaultMeter());
  const buckets = [...(options.buckets ?? DURATION_BUCKETS)];
  const histograms = {} as Record<HistogramName, OtelHistogram>;
  for (const name of ['backendDuration', 'loadDuration'] as const) {
    const { description, unit } = METRICS[name];
    histograms[name] = meter.createHistogram(METRICS[name].name, {
      description,
      unit,
      advice: { explicitBucketBoundaries: buckets },
    });
  }
  const metrics = new CacheMetrics(caches, {
    ...options,
    onDuration: (name, seconds, attributes) => histograms[name].record(seconds, attributes),
  });
  const counters = {} as Record<CounterName, OtelObservable>;
  for (const name of ['reads', 'loads', 'errors', 'invalidations', 'purges'] as const) {
    const { description, unit } = METRICS[name];
    counters[name] = meter.createObservableCounter(METRICS[name].name, { description, unit });
  }
  const observables = Object.values(counters);
  const callback = (result: OtelBatchResult): void => {
    const snapshot = metrics.snapshot().counters;
    for (const name of Object.keys(counters) as CounterName[]) {
      for (const point of snapshot[name]) result.observe(counters[name], point.value, point.attributes);
    }
  };
  meter.addBatchObservableCallback(callback, observables);
  return {
    metrics,
    stop: () => {
      meter.removeBatchObservableCallback(callback, observables);
      metrics.close();
    },
  };
}

async function defaultMeter(): Promise<OtelMeter> {
  let api: { metrics: { getMeter(name: string): OtelMeter } };
  try {
    api = (await import('@opentelemetry/api')) as unknown as typeof api;
  } catch (error) {
    throw new CacheUsageError(
      `instrumentCaches needs the package @opentelemetry/api (npm install @opentelemetry/api), or a meter: ${String(error)}`,
      'meter',
    );
  }
  return api.metrics.getMeter('@tagcache/core');
}
