/**
 * What metrics cost a hit: the same tagged getOrSet hit on the memory backend (the cheapest hit,
 * so the largest relative cost) with nothing listening, with CacheMetrics (what the Prometheus
 * endpoint reads), with OpenTelemetry through a real SDK MeterProvider, and with the dashboard
 * (metrics plus sampled hot keys). Each subject has its own service: listeners are per service.
 */

import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  CacheService,
  type CacheSource,
  instrumentCaches,
  MemoryBackend,
  type OtelMeter,
} from '@tagcache/core';
import { Dashboard, prometheusMetrics } from '@tagcache/dashboard';
import { measure, type Subject } from '../lib/measure.js';
import { report } from '../lib/report.js';

const KEYS = 1_000;
const key = (i: number): string => `product:${i % KEYS}`;
const value = { id: 42, name: 'Espresso machine', price: 199.99, tags: ['kitchen', 'coffee'], stock: 7 };
const SOURCE: CacheSource = { kind: 'http', method: 'GET', route: '/products/:id' };

class PullReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

async function service(sharedValues: boolean): Promise<CacheService> {
  const cache = new CacheService({
    backend: new MemoryBackend({ maxEntries: 10_000 }),
    defaultTtl: '1h',
    sharedValues,
  });
  for (let i = 0; i < KEYS; i++) await cache.set(key(i), value, { tags: ['products', `product:${i}`] });
  return cache;
}

async function run(): Promise<void> {
  for (const sharedValues of [false, true]) {
    const bare = await service(sharedValues);
    const prom = await service(sharedValues);
    const otel = await service(sharedValues);
    const board = await service(sharedValues);
    const prometheus = prometheusMetrics({ caches: [prom] });
    const provider = new MeterProvider({ readers: [new PullReader()] });
    const otelHandle = await instrumentCaches([otel], { meter: provider.getMeter('bench') as OtelMeter });
    const dashboard = new Dashboard({ caches: [board], authorize: () => true });
    const options = { tags: ['products'], source: SOURCE };
    const loader = () => value;
    const subjects: Subject[] = [
      { name: 'no metrics', reference: true, op: (i) => bare.getOrSet(key(i), loader, options) },
      { name: 'CacheMetrics (Prometheus endpoint)', op: (i) => prom.getOrSet(key(i), loader, options) },
      { name: 'OpenTelemetry SDK (instrumentCaches)', op: (i) => otel.getOrSet(key(i), loader, options) },
      { name: 'dashboard (metrics + hot keys)', op: (i) => board.getOrSet(key(i), loader, options) },
    ];
    report({
      scenario: 'metrics',
      title: `Metrics: tagged getOrSet hit on memory${sharedValues ? ', sharedValues' : ''}, with and without metrics`,
      rows: await measure(subjects, { rounds: 7 }),
      notes: [
        'Goal: ≥ 0.95× the hit without metrics. Every metrics hit also times its backend read (two clock reads).',
      ],
    });
    prometheus.close();
    otelHandle.stop();
    dashboard.close();
    await provider.shutdown();
  }
}

export default { name: 'metrics', description: 'cost of metrics on the hit path (memory backend)', run };
