import { type CacheHealth, type MetricAttributes, userKeyOf } from '@tagcache/core';
import type { HotKey } from './hot-keys.js';
import type { DashboardRecorder, InvalidationRecord, PurgeRecord, TimelinePoint } from './recorder.js';

/** One row of the per-route or per-model table. */
export interface SourceRow {
  readonly cache: string;
  /** `GET /products/:id`, `Product.findMany`, an app name, or `(none)`. */
  readonly name: string;
  readonly hits: number;
  readonly stale: number;
  readonly misses: number;
  readonly loads: number;
  /** Mean loader duration (what a miss costs), ms; `null` before the first load. */
  readonly meanLoadMs: number | null;
}

/** One backend, for the health table. */
export interface BackendRow {
  readonly cache: string;
  readonly backend: string;
  readonly healthy: boolean;
  readonly circuit: string;
  readonly latencyMs: number | null;
  readonly error: string | null;
  /** Memory backend: entries and bytes held. */
  readonly entries: number | null;
  readonly bytes: number | null;
  /** Mean backend call latency seen by the cache, ms, and the calls timed (one in 16 is). */
  readonly meanCallMs: number | null;
  readonly calls: number;
}

/** What the page shows, as JSON (`GET <path>/state.json`). */
export interface DashboardState {
  readonly at: number;
  readonly bucketMs: number;
  readonly timeline: readonly TimelinePoint[];
  readonly backends: readonly BackendRow[];
  readonly routes: readonly SourceRow[];
  readonly models: readonly SourceRow[];
  readonly others: readonly SourceRow[];
  readonly invalidations: readonly InvalidationRecord[];
  /** CDN purges (caches with `purgers`), newest first. */
  readonly purges: readonly PurgeRecord[];
  readonly hotKeys: readonly HotKey[];
}

interface Row {
  cache: string;
  name: string;
  source: string;
  hits: number;
  stale: number;
  misses: number;
  loads: number;
  loadMs: number;
}

/** Builds the page's figures: health probes of every cache, metrics grouped by source. */
export async function dashboardState(recorder: DashboardRecorder): Promise<DashboardState> {
  const { caches, bucketMs } = recorder.settings;
  const health = await Promise.all(caches.map((cache) => cache.health()));
  const snapshot = recorder.metrics.snapshot();
  const rows = new Map<string, Row>();
  const row = (a: MetricAttributes): Row => {
    const cache = a['tagcache.cache'] ?? '';
    const name = sourceName(a);
    const id = `${cache}\u0000${a['tagcache.source']}\u0000${name}`;
    let r = rows.get(id);
    if (r === undefined) {
      r = {
        cache,
        name,
        source: a['tagcache.source'] ?? 'none',
        hits: 0,
        stale: 0,
        misses: 0,
        loads: 0,
        loadMs: 0,
      };
      rows.set(id, r);
    }
    return r;
  };
  for (const p of snapshot.counters.reads) {
    const r = row(p.attributes);
    const result = p.attributes['tagcache.result'];
    if (result === 'hit') r.hits += p.value;
    else if (result === 'stale') r.stale += p.value;
    else r.misses += p.value;
  }
  for (const h of snapshot.histograms.loadDuration) {
    const r = row(h.attributes);
    r.loads += h.count;
    r.loadMs += h.sum * 1000;
  }
  const calls = new Map<string, { count: number; ms: number }>();
  for (const h of snapshot.histograms.backendDuration) {
    const cache = h.attributes['tagcache.cache'] ?? '';
    const c = calls.get(cache) ?? { count: 0, ms: 0 };
    c.count += h.count;
    c.ms += h.sum * 1000;
    calls.set(cache, c);
  }
  const out = [...rows.values()].map((r): SourceRow & { source: string } => ({
    cache: r.cache,
    name: r.name,
    source: r.source,
    hits: r.hits,
    stale: r.stale,
    misses: r.misses,
    loads: r.loads,
    meanLoadMs: r.loads > 0 ? round(r.loadMs / r.loads) : null,
  }));
  const pick = (source: string) =>
    out
      .filter((r) =>
        source === 'other' ? r.source !== 'http' && r.source !== 'prisma' : r.source === source,
      )
      .map(({ source: _s, ...r }) => r)
      .sort((a, b) => b.hits + b.misses - (a.hits + a.misses));
  return {
    at: Date.now(),
    bucketMs,
    timeline: recorder.timeline(),
    backends: health.map((h) => backendRow(h, calls.get(h.name))),
    routes: pick('http'),
    models: pick('prisma'),
    others: pick('other'),
    invalidations: recorder.invalidations(),
    purges: recorder.purges(),
    // Events carry backend keys: shown as the code passes them, which the forms take too.
    hotKeys: recorder.hotKeys.top(20).map((k) => ({ ...k, key: userKeyOf(k.key) ?? k.key })),
  };
}

function backendRow(h: CacheHealth, calls: { count: number; ms: number } | undefined): BackendRow {
  const details = h.details ?? {};
  const number = (v: unknown): number | null => (typeof v === 'number' ? v : null);
  return {
    cache: h.name,
    backend: h.backend,
    healthy: h.healthy,
    circuit: h.circuit,
    latencyMs: h.latencyMs === undefined ? null : round(h.latencyMs),
    error: h.error ? `${h.error.code}: ${h.error.message}` : null,
    entries: number(details.entries),
    bytes: number(details.bytes),
    meanCallMs: calls && calls.count > 0 ? round(calls.ms / calls.count) : null,
    calls: calls?.count ?? 0,
  };
}

function sourceName(a: MetricAttributes): string {
  switch (a['tagcache.source']) {
    case 'http':
      return `${a['http.request.method']} ${a['http.route']}`;
    case 'prisma':
      return `${a['db.collection.name']}.${a['db.operation.name']}`;
    case 'app':
      return a['tagcache.source.name'] ?? '';
    case 'other':
      return '(other)';
    default:
      return '(none)';
  }
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;
