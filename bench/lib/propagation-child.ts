/**
 * The other process of the two-level scenario's propagation measurement: a CacheService with an
 * L1 on the parent's Redis. For each round it reads the key (an L1 hit from then on), says so,
 * then reads it again and again until it is a miss, and reports when (`process.hrtime`, the
 * machine-wide monotonic clock, comparable with the parent's). Env: BENCH_REDIS_URL, BENCH_PREFIX.
 */
import { CacheService, RedisBackend } from '@tagcache/core';

const cache = new CacheService({
  backend: new RedisBackend({ url: process.env.BENCH_REDIS_URL ?? '' }),
  prefix: process.env.BENCH_PREFIX ?? 'bench-two-level:',
  defaultTtl: '1h',
  l1: { maxEntries: 10_000 },
});

type Request = { op: 'watch'; key: string } | { op: 'close' };
const now = (): bigint => process.hrtime.bigint();
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

process.on('message', async (request: Request) => {
  if (request.op === 'close') {
    await cache.close();
    process.exit(0);
  }
  if ((await cache.get(request.key)) === undefined) {
    process.send?.({ error: `no value at ${request.key}` });
    return;
  }
  process.send?.({ watching: true });
  while ((await cache.get(request.key)) !== undefined) await turn();
  process.send?.({ missAt: String(now()) });
});

await cache.get('warm-up'); // connects the backend and the bus
process.send?.({ ready: true });
