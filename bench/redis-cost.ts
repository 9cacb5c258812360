/**
 * Where a Redis hit's time goes, per get, at 100 in flight: client CPU µs (process.cpuUsage,
 * steadier than ops/s on a shared machine), server CPU µs and commands (INFO cpu and
 * commandstats of a private redis-server), and ops/s, in interleaved rounds. Subjects: raw
 * ioredis GET (the reference), with auto-pipelining, node-redis v5, a bare MGET turn batcher on
 * each client (the floor of a batched tagged read: 3 keys, no tagcache), and tagcache.
 *
 * From bench/ (so that tsx loads the built packages, see run.ts):
 * `npx tsx redis-cost.ts [rounds=5] [opsPerRound=100000] [name filter]`. Environment: NOREF
 * leaves the reference out, REVERSE runs the subjects in reverse order (the first one of a
 * round pays for the previous one's garbage), TAGCACHE_BEFORE=<ESM bundle of another
 * @tagcache/core build> adds it as a subject (A/B in one process), AFTER_LOAD runs one getOrSet
 * miss first (as any application has: the load scope's AsyncLocalStorage then puts promise
 * hooks on every promise of the process, the references' included). For a profile:
 * `node --cpu-prof --import tsx redis-cost.ts ...`.
 */

import { pathToFileURL } from 'node:url';
import { createClient, RESP_TYPES } from '@redis/client';
import { CacheService, RedisBackend } from '@tagcache/core';
import { Redis } from 'ioredis';
import { startRedis } from '../test/support/servers.js';

const KEYS = 1_000;
const CONCURRENCY = 100;
const rounds = Number(process.argv[2] ?? 5);
const opsPerRound = Number(process.argv[3] ?? 100_000);
const filter = process.argv[4];
const key = (i: number): string => `product:${i % KEYS}`;
const tagsOf = (i: number): string[] => ['products', `product:${i % KEYS}`];
const value = { id: 42, name: 'Espresso machine', price: 199.99, tags: ['kitchen', 'coffee'], stock: 7 };

interface Candidate {
  readonly name: string;
  readonly op: (i: number) => Promise<unknown>;
}

interface Subject extends Candidate {
  cpu: number[];
  sys: number[];
  server: number[];
  commands: number[];
  rate: number[];
}

async function info(admin: Redis): Promise<{ cpu: number; commands: number }> {
  const cpuText = await admin.info('cpu');
  const user = Number(/used_cpu_user:([\d.]+)/.exec(cpuText)![1]);
  const sys = Number(/used_cpu_sys:([\d.]+)/.exec(cpuText)![1]);
  const stats = await admin.info('commandstats');
  let commands = 0;
  for (const m of stats.matchAll(/cmdstat_(\w+):calls=(\d+)/g)) {
    if (m[1] === 'info') continue;
    commands += Number(m[2]);
  }
  return { cpu: (user + sys) * 1e6, commands };
}

async function runOps(op: (i: number) => Promise<unknown>, total: number): Promise<void> {
  let counter = 0;
  const worker = async (): Promise<void> => {
    while (counter < total) await op(counter++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/** A bare turn batcher (no tagcache): each read asks 3 keys; one MGET per turn through `mget`. */
function turnBatcher(
  mget: (keys: string[]) => Promise<(Buffer | null)[]>,
): (keys: string[]) => Promise<(Buffer | null)[]> {
  let pending: { keys: string[]; resolve: (v: (Buffer | null)[]) => void }[] = [];
  const flush = (): void => {
    const batch = pending;
    pending = [];
    const index = new Map<string, number>();
    const all: string[] = [];
    const slots = batch.map((w) =>
      w.keys.map((k) => {
        let at = index.get(k);
        if (at === undefined) {
          at = all.length;
          all.push(k);
          index.set(k, at);
        }
        return at;
      }),
    );
    void mget(all).then((values) => {
      for (let i = 0; i < batch.length; i++) batch[i]!.resolve(slots[i]!.map((at) => values[at]!));
    });
  };
  return (keys) =>
    new Promise((resolve) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ keys, resolve });
    });
}

async function main(): Promise<void> {
  const own = await startRedis();
  const url = `redis://127.0.0.1:${own.port}`;
  const admin = new Redis(url);
  const raw = new Redis(url);
  const pipelined = new Redis(url, { enableAutoPipelining: true });
  const nodeRedis = createClient({ url });
  await nodeRedis.connect();
  const plain = new CacheService({ backend: new RedisBackend({ url }), prefix: 'p:', defaultTtl: '1h' });
  const tagged = new CacheService({ backend: new RedisBackend({ url }), prefix: 't:', defaultTtl: '1h' });
  const bare = new CacheService({
    backend: new RedisBackend({ url }),
    prefix: 't:',
    defaultTtl: '1h',
    resilience: false,
  });
  // A/B in one process: TAGCACHE_BEFORE names an ESM bundle of another @tagcache/core build.
  const before = process.env.TAGCACHE_BEFORE
    ? ((await import(pathToFileURL(process.env.TAGCACHE_BEFORE).href)) as typeof import('@tagcache/core'))
    : undefined;
  const beforeTagged =
    before &&
    new before.CacheService({ backend: new before.RedisBackend({ url }), prefix: 't:', defaultTtl: '1h' });
  const nodeRedisBuffers = nodeRedis.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  const ioredisBatch = turnBatcher((keys) => raw.mgetBuffer(keys));
  const nodeRedisBatch = turnBatcher((keys) => nodeRedisBuffers.mGet(keys) as Promise<(Buffer | null)[]>);
  try {
    for (let i = 0; i < KEYS; i++) {
      await raw.set(`raw:${key(i)}`, JSON.stringify(value));
      await plain.set(key(i), value);
      await tagged.set(key(i), value, { tags: tagsOf(i) });
    }
    if ((await tagged.get(key(1))) === undefined) throw new Error('no hit');
    for (let i = 0; i < KEYS; i++) await bare.get(key(i));
    for (let i = 0; i < KEYS; i++) await beforeTagged?.get(key(i));
    if (process.env.AFTER_LOAD !== undefined) {
      await tagged.getOrSet('loaded', () => 1);
      await beforeTagged?.getOrSet('loaded', () => 1);
    }
    const candidates: Candidate[] = [
      { name: 'ioredis GET', op: async (i) => JSON.parse((await raw.get(`raw:${key(i)}`))!) },
      {
        name: 'ioredis GET, auto-pipelining',
        op: async (i) => JSON.parse((await pipelined.get(`raw:${key(i)}`))!),
      },
      {
        name: 'node-redis v5 GET',
        op: async (i) => JSON.parse((await nodeRedis.get(`raw:${key(i)}`))!),
      },
      {
        name: 'node-redis v5 GET (Buffer)',
        op: async (i) => JSON.parse(String(await nodeRedisBuffers.get(`raw:${key(i)}`))),
      },
      {
        name: 'bare MGET batcher, ioredis, 3 keys',
        op: async (i) => {
          const [entry] = await ioredisBatch([`t:|${key(i)}`, '__tc:t:t:|products', `__tc:t:t:|${key(i)}`]);
          return JSON.parse(entry!.toString('utf8', entry!.indexOf(123)));
        },
      },
      {
        name: 'bare MGET batcher, node-redis, 3 keys',
        op: async (i) => {
          const [entry] = await nodeRedisBatch([`t:|${key(i)}`, '__tc:t:t:|products', `__tc:t:t:|${key(i)}`]);
          return JSON.parse(entry!.toString('utf8', entry!.indexOf(123)));
        },
      },
      { name: 'tagcache get', op: (i) => plain.get(key(i)) },
      { name: 'tagcache get, 2 tags', op: (i) => tagged.get(key(i)) },
      { name: 'tagcache get, 2 tags, no resilience', op: (i) => bare.get(key(i)) },
    ];
    if (beforeTagged) {
      candidates.push({
        name: 'tagcache get, 2 tags (TAGCACHE_BEFORE)',
        op: (i) => beforeTagged.get(key(i)),
      });
    }
    // The first subject (raw ioredis GET) is the reference; NOREF leaves it out.
    const all: Subject[] = candidates
      .filter(
        (s) =>
          filter === undefined ||
          s.name.includes(filter) ||
          (s === candidates[0] && process.env.NOREF === undefined),
      )
      .map((s) => ({ ...s, cpu: [], sys: [], server: [], commands: [], rate: [] }));
    if (process.env.REVERSE !== undefined) all.reverse();
    for (const s of all) await runOps(s.op, opsPerRound / 4); // warm-up
    for (let r = 0; r < rounds; r++) {
      for (const s of all) {
        const before = await info(admin);
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        await runOps(s.op, opsPerRound);
        const ms = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        const after = await info(admin);
        s.cpu.push((cpu.user + cpu.system) / opsPerRound);
        s.sys.push(cpu.system / opsPerRound);
        s.server.push((after.cpu - before.cpu) / opsPerRound);
        s.commands.push((after.commands - before.commands) / opsPerRound);
        s.rate.push((opsPerRound / ms) * 1000);
      }
    }
    const med = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1]!;
    const ref = med(all[0]!.rate);
    console.log(
      'subject | client CPU µs/get | of which system | server CPU µs/get | commands/get | ops/s | × ioredis GET',
    );
    for (const s of all) {
      console.log(
        `${s.name} | ${med(s.cpu).toFixed(2)} | ${med(s.sys).toFixed(2)} | ${med(s.server).toFixed(2)} | ${med(s.commands).toFixed(3)} | ${med(s.rate).toFixed(0)} | ${(med(s.rate) / ref).toFixed(3)}`,
      );
    }
  } finally {
    await plain.close();
    await tagged.close();
    await bare.close();
    await beforeTagged?.close();
    await nodeRedis.quit().catch(() => {});
    raw.disconnect();
    pipelined.disconnect();
    admin.disconnect();
    await own.stop();
  }
}

await main();
