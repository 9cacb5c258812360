/**
 * Issue 15's catalogue: 10,000 products (the seeded posts) on SQLite, `findUnique` by id with a
 * skewed (Zipf, s = 1) popularity and 5% of operations an `update` by id, through tagcache on
 * memory. Reports the cache's hit ratio next to an oracle that invalidates exactly the written
 * rows and the model-wide rule (every write drops every read of the model, the rule before row
 * tags), and the throughput of the same operation sequence versus uncached Prisma.
 */
import { CacheService, MemoryBackend } from '@tagcache/core';
import { cacheExtension } from '@tagcache/prisma';
import { POSTS, sqliteDatabase } from '../lib/prisma-db.js';
import { report, reportText } from '../lib/report.js';

const OPERATIONS = 20_000;
const WRITE_SHARE = 0.05;

/** mulberry32: a small deterministic PRNG, so every subject runs the same sequence. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The sequence: `[write, index]` pairs, indexes drawn from a Zipf(1) popularity over the products. */
function sequence(n: number): [boolean, number][] {
  const cdf: number[] = [];
  let sum = 0;
  for (let k = 1; k <= n; k++) {
    sum += 1 / k;
    cdf.push(sum);
  }
  const next = random(15);
  const draw = (): number => {
    const u = next() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return Array.from({ length: OPERATIONS }, () => [next() < WRITE_SHARE, draw()]);
}

/** Hit ratio of a cache that drops exactly the written row (`wide`: every row) on a write. */
function simulated(ops: readonly [boolean, number][], wide: boolean): number {
  const cached = new Set<number>();
  let hits = 0;
  let reads = 0;
  for (const [write, i] of ops) {
    if (write) {
      if (wide) cached.clear();
      else cached.delete(i);
      continue;
    }
    reads++;
    if (cached.has(i)) hits++;
    else cached.add(i);
  }
  return hits / reads;
}

async function run(): Promise<void> {
  const db = await sqliteDatabase();
  try {
    const ids = db.postIds;
    const ops = sequence(ids.length);
    const cache = new CacheService({ backend: new MemoryBackend({ maxEntries: 50_000 }), defaultTtl: '1h' });
    const cached = db.prisma.$extends(cacheExtension({ cache }));
    type Client = Pick<typeof db.prisma, 'post'>;
    const drive = async (client: Client): Promise<number> => {
      const start = performance.now();
      let n = 0;
      for (const [write, i] of ops) {
        const id = ids[i]!;
        if (write) await client.post.update({ where: { id }, data: { title: `t${n++}` } });
        else await client.post.findUnique({ where: { id } });
      }
      return (ops.length / (performance.now() - start)) * 1000;
    };
    const uncachedRate = await drive(db.prisma);
    const before = cache.stats();
    const cachedRate = await drive(cached as unknown as Client);
    const after = cache.stats();
    const hits = after.hits - before.hits;
    const ratio = hits / (hits + after.misses - before.misses);
    const oracle = simulated(ops, false);
    const modelWide = simulated(ops, true);
    report({
      scenario: 'prisma-catalogue',
      title: `Prisma catalogue on SQLite: ${POSTS.toLocaleString('en-US')} products, Zipf reads by id, ${WRITE_SHARE * 100}% updates by id (${OPERATIONS.toLocaleString('en-US')} operations, one at a time)`,
      rows: [
        { name: 'uncached Prisma', opsPerSec: uncachedRate, reference: true },
        { name: 'tagcache memory (row-precise)', opsPerSec: cachedRate, reference: false },
      ],
      notes: [
        `Hit ratio: tagcache ${ratio.toFixed(3)}; oracle (drops exactly the written rows) ${oracle.toFixed(3)}; model-wide rule (before row tags) ${modelWide.toFixed(3)}.`,
        `tagcache / oracle = ${(ratio / oracle).toFixed(3)} (goal ≥ 0.9).`,
      ],
    });
    if (ratio / oracle < 0.9) reportText('Goal missed: hit ratio below 0.9× the oracle.\n');
    await cache.close();
  } finally {
    await db.close();
  }
}

export default {
  name: 'prisma-catalogue',
  description:
    'Prisma catalogue (10,000 products, Zipf findUnique by id, 5% updates): hit ratio vs an oracle',
  run,
};
