/**
 * The metrics tagcache reports, by OpenTelemetry name (Prometheus: dots become underscores,
 * counters end in `_total`, durations in `_seconds`). Every attribute has a bounded set of values;
 * see the core README's Metrics section.
 */
export const METRICS = {
  reads: {
    name: 'tagcache.reads',
    unit: '{read}',
    description: 'Cache reads, by result: hit (fresh), stale (served from grace) or miss',
  },
  loads: {
    name: 'tagcache.loads',
    unit: '{load}',
    description: 'Loader runs after a miss or for a refresh, by result: ok or error (the loader threw)',
  },
  errors: {
    name: 'tagcache.errors',
    unit: '{error}',
    description: 'Cache-layer failures (served as misses), by operation and error code',
  },
  invalidations: {
    name: 'tagcache.invalidations',
    unit: '{tag}',
    description: 'Tags invalidated, by origin: manual, http, prisma or app',
  },
  purges: {
    name: 'tagcache.purges',
    unit: '{purge}',
    description:
      'CDN purge requests settled (a batch of tags, or everything), by purger and result: ok or error',
  },
  backendDuration: {
    name: 'tagcache.backend.duration',
    unit: 's',
    description: 'Backend call latency, by operation and result',
  },
  loadDuration: {
    name: 'tagcache.load.duration',
    unit: 's',
    description: 'Loader duration (what a miss costs), by result',
  },
} as const;

/** Names of the counters in {@link METRICS}. */
export type CounterName = 'reads' | 'loads' | 'errors' | 'invalidations' | 'purges';
/** Names of the histograms in {@link METRICS}. */
export type HistogramName = 'backendDuration' | 'loadDuration';

/** Attribute values: every one is a bounded name. */
export type MetricAttributes = Readonly<Record<string, string>>;
