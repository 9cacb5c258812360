/**
 * What metrics cost a hit: the same tagged getOrSet hit on the memory backend (the cheapest hit,
 * so the largest relative cost) with nothing listening, with CacheMetrics (what the Prometheus
 * endpoint reads), with OpenTelemetry through a real SDK MeterProvider, and with the dashboard
 * (metrics plus sampled hot keys). Each subject has its own service: listeners are per service.
 */

import { availableParallelism, loadavg } from 'node:os';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  CacheService,
  type CacheSource,
  instrumentCaches,
  MemoryBackend,
  type OtelMeter,
} from '@tagcache/core';
import { Dashboard, prometheusMetrics } from '@tagcache/dashboard';
import { type Measurement, measure, type Subject } from '../lib/measure.js';
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
      rows: await measure(subjects, { rounds: 15 }),
      notes: [
        'Goal: ≥ 0.95× the hit without metrics. With metrics, one backend call in 16 is timed (two clock reads).',
        `Load average during the run: ${loadavg()
          .map((l) => l.toFixed(1))
          .join(
            ', ',
          )} on ${availableParallelism()} CPUs (wall-clock ratios drift when the machine is shared).`,
      ],
    });
    report({
      scenario: 'metrics',
      title: `Metrics: the same, per CPU second of this process (less sensitive to a shared machine)`,
      rows: await measureCpu(subjects, 15, 20_000),
      notes: [
        'Ops per CPU second (process.cpuUsage, user + system), median of 15 interleaved rounds of 20,000 hits.',
      ],
    });
    prometheus.close();
    otelHandle.stop();
    dashboard.close();
    await provider.shutdown();
  }
}

/**
 * Like `measure`, but ops per CPU second of this process, rounds interleaved, median. Each round
 * starts with the next subject (the order rotates), so that no subject always runs right after
 * the same one (the subject measured after the reference used to come out lowest).
 */
async function measureCpu(subjects: readonly Subject[], rounds: number, ops: number): Promise<Measurement[]> {
  const samples = subjects.map(() => [] as number[]);
  for (let r = -1; r < rounds; r++) {
    for (let k = 0; k < subjects.length; k++) {
      const s = (k + Math.max(r, 0)) % subjects.length;
      const subject = subjects[s]!;
      const before = process.cpuUsage();
      for (let i = 0; i < ops; i++) await subject.op(i);
      const used = process.cpuUsage(before);
      if (r >= 0) samples[s]!.push(ops / ((used.user + used.system) / 1e6)); // r = -1: warm-up
    }
  }
  return subjects.map((subject, s) => {
    const sorted = samples[s]!.sort((a, b) => a - b);
    return {
      name: subject.name,
      reference: subject.reference === true,
      opsPerSec: sorted[Math.floor(sorted.length / 2)]!,
    };
  });
}

export default { name: 'metrics', description: 'cost of metrics on the hit path (memory backend)', run };
