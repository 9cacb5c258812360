/**
 * Two-level cache: an L1 hit on a Redis-backed service against a memory-only service hit (the
 * goal: ≥ 0.8×) and bentocache's memory + Redis + bus tagged hit (the goal: ≥ 5×), all with
 * 2 tags; then how long an invalidation takes to reach another process's L1 while this one is
 * under load (median and p99). Uses REDIS_URL when set, otherwise starts a redis-server.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CacheService, MemoryBackend, RedisBackend } from '@tagcache/core';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { redisBusDriver, redisDriver } from 'bentocache/drivers/redis';
import { Redis } from 'ioredis';
import { startRedis } from '../../test/support/servers.js';
import { measure, type Subject } from '../lib/measure.js';
import { report, reportText } from '../lib/report.js';

const KEYS = 1_000;
const ROUNDS = Number(process.env.BENCH_PROPAGATION_ROUNDS ?? 200);
const LOAD_CONCURRENCY = 20;
const key = (i: number): string => `product:${i % KEYS}`;
const tagsOf = (i: number): string[] => ['products', `product:${i % KEYS}`];
const value = { id: 42, name: 'Espresso machine', price: 199.99, tags: ['kitchen', 'coffee'], stock: 7 };

async function hits(url: string): Promise<void> {
  const memory = new CacheService({ backend: new MemoryBackend({ maxEntries: 10_000 }), defaultTtl: '1h' });
  const twoLevel = new CacheService({
    backend: new RedisBackend({ url }),
    prefix: 'bench-l1:',
    defaultTtl: '1h',
    l1: { maxEntries: 10_000 },
  });
  const redisOnly = new CacheService({
    backend: new RedisBackend({ url }),
    prefix: 'bench-l2:',
    defaultTtl: '1h',
  });
  const bentoConnection = new Redis(url);
  const bento = new BentoCache({
    default: 'tiered',
    stores: {
      tiered: bentostore()
        .useL1Layer(memoryDriver({ maxItems: 10_000 }))
        .useL2Layer(redisDriver({ connection: bentoConnection, prefix: 'bench-bento-l1' }))
        .useBus(
          redisBusDriver({ connection: { host: new URL(url).hostname, port: Number(new URL(url).port) } }),
        ),
    },
  });
  try {
    for (let i = 0; i < KEYS; i++) {
      await memory.set(key(i), value, { tags: tagsOf(i) });
      await twoLevel.set(key(i), value, { tags: tagsOf(i) });
      await redisOnly.set(key(i), value, { tags: tagsOf(i) });
      await bento.set({ key: key(i), value, ttl: '1h', tags: tagsOf(i) });
    }
    for (let i = 0; i < KEYS; i++) await twoLevel.get(key(i)); // into the L1
    if ((await bento.get({ key: key(1) })) === undefined) throw new Error('bentocache: no hit');
    if ((await twoLevel.get(key(1))) === undefined) throw new Error('tagcache: no hit');
    const subjects: Subject[] = [
      { name: 'tagcache memory only, 2 tags', reference: true, op: (i) => memory.get(key(i)) },
      { name: 'tagcache redis + l1 (L1 hit), 2 tags', op: (i) => twoLevel.get(key(i)) },
      { name: 'tagcache redis, no l1, 2 tags', op: (i) => redisOnly.get(key(i)) },
      { name: 'bentocache memory + redis + bus (L1 hit), 2 tags', op: (i) => bento.get({ key: key(i) }) },
    ];
    const rows = await measure(subjects);
    const rate = (name: string): number => rows.find((r) => r.name.startsWith(name))!.opsPerSec;
    const l1 = rate('tagcache redis + l1');
    report({
      scenario: 'two-level',
      title: 'Two-level: get hit, one at a time',
      rows,
      notes: [
        `L1 hit ÷ memory-only hit: ${(l1 / rate('tagcache memory only')).toFixed(2)}× (goal ≥ 0.8×).`,
        `L1 hit ÷ bentocache L1+L2+bus tagged hit: ${(l1 / rate('bentocache')).toFixed(2)}× (goal ≥ 5×).`,
        'The machine is shared and loaded: ratios give the direction, not a precise figure.',
      ],
    });
  } finally {
    await memory.close();
    await twoLevel.close();
    await redisOnly.close();
    await bento.disconnectAll().catch(() => {});
    bentoConnection.disconnect();
  }
}

/** Invalidation here, miss there: `ROUNDS` times while this process runs a read/write load. */
async function propagation(url: string): Promise<void> {
  const prefix = `bench-propagation-${Date.now()}:`;
  const cache = new CacheService({
    backend: new RedisBackend({ url }),
    prefix,
    defaultTtl: '1h',
    l1: { maxEntries: 10_000 },
  });
  const child = fork(fileURLToPath(new URL('../lib/propagation-child.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_REDIS_URL: url, BENCH_PREFIX: prefix },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = (): Promise<Record<string, string | boolean>> =>
    new Promise((resolve) => child.once('message', (m: Record<string, string | boolean>) => resolve(m)));
  let loading = true;
  const load = async (lane: number): Promise<void> => {
    for (let i = lane; loading; i += LOAD_CONCURRENCY) {
      if (i % 10 === 0) await cache.set(key(i), value, { tags: tagsOf(i) });
      else if (i % 97 === 0) await cache.invalidateTags([`product:${i % KEYS}`]);
      else await cache.get(key(i));
    }
  };
  const samples: number[] = [];
  try {
    await next(); // ready
    const lanes = Array.from({ length: LOAD_CONCURRENCY }, (_, lane) => load(lane));
    for (let round = 0; round < ROUNDS; round++) {
      const watched = `watched:${round}`;
      await cache.set(watched, value, { tags: [`watched-tag:${round}`] });
      child.send({ op: 'watch', key: watched });
      const watching = await next();
      if (watching.error) throw new Error(String(watching.error));
      const seen = next();
      await cache.invalidateTags([`watched-tag:${round}`]);
      const invalidatedAt = process.hrtime.bigint();
      const missAt = BigInt((await seen).missAt as string);
      samples.push(Number(missAt - invalidatedAt) / 1_000);
    }
    loading = false;
    await Promise.all(lanes);
  } finally {
    loading = false;
    child.send({ op: 'close' });
    await cache.close();
  }
  samples.sort((a, b) => a - b);
  const at = (q: number): number => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  reportText(
    [
      `### Two-level: invalidation in one process → miss in another (${ROUNDS} rounds, ${LOAD_CONCURRENCY} operations in flight here)`,
      '',
      `median ${Math.max(0, at(0.5)).toFixed(0)} µs, p99 ${Math.max(0, at(0.99)).toFixed(0)} µs, max ${Math.max(0, at(1)).toFixed(0)} µs`,
      '',
      '- From the end of `invalidateTags` here to the first miss there (negative: the other process saw it before this one got the reply).',
      '- This is the bound of the L1: the time a changed value may still be served elsewhere while the bus is up.',
      '',
    ].join('\n'),
  );
}

async function run(): Promise<void> {
  const own = process.env.REDIS_URL ? undefined : await startRedis();
  const url = process.env.REDIS_URL ?? `redis://127.0.0.1:${own!.port}`;
  try {
    await hits(url);
    await propagation(url);
  } finally {
    await own?.stop();
  }
}

export default {
  name: 'two-level',
  description: 'L1 hit vs memory-only and bentocache L1+L2+bus; invalidation propagation to another process',
  run,
};
