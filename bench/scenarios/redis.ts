/**
 * Redis get at 100 concurrent operations: tagcache (untagged, and tagged: entry + 2 tag
 * versions in one Lua round trip) against raw ioredis GET, with and without ioredis
 * auto-pipelining. Uses REDIS_URL when set, otherwise starts a redis-server of its own.
 */
import { CacheService, RedisBackend } from '@tagcache/core';
import { Redis } from 'ioredis';
import { startRedis } from '../../test/support/servers.js';
import { measure, type Subject } from '../lib/measure.js';
import { report } from '../lib/report.js';

const KEYS = 1_000;
const CONCURRENCY = 100;
const key = (i: number): string => `product:${i % KEYS}`;
const value = { id: 42, name: 'Espresso machine', price: 199.99, tags: ['kitchen', 'coffee'], stock: 7 };

async function run(): Promise<void> {
  const own = process.env.REDIS_URL ? undefined : await startRedis();
  const url = process.env.REDIS_URL ?? `redis://127.0.0.1:${own!.port}`;
  const raw = new Redis(url);
  const rawPipelined = new Redis(url, { enableAutoPipelining: true });
  const plain = new CacheService({
    backend: new RedisBackend({ url }),
    prefix: 'bench-plain:',
    defaultTtl: '1h',
  });
  const tagged = new CacheService({
    backend: new RedisBackend({ url }),
    prefix: 'bench-tagged:',
    defaultTtl: '1h',
  });
  const pipelinedClient = new Redis(url, { enableAutoPipelining: true });
  const taggedPipelined = new CacheService({
    backend: new RedisBackend({ client: pipelinedClient }),
    prefix: 'bench-tagged:',
    defaultTtl: '1h',
  });
  try {
    for (let i = 0; i < KEYS; i++) {
      await raw.set(`bench-raw:${key(i)}`, JSON.stringify(value));
      await plain.set(key(i), value);
      await tagged.set(key(i), value, { tags: ['products', `product:${i}`] });
    }
    const subjects: Subject[] = [
      {
        name: 'ioredis GET + JSON.parse',
        reference: true,
        concurrency: CONCURRENCY,
        op: async (i) => JSON.parse((await raw.get(`bench-raw:${key(i)}`))!),
      },
      {
        name: 'ioredis GET + JSON.parse, auto-pipelining',
        concurrency: CONCURRENCY,
        op: async (i) => JSON.parse((await rawPipelined.get(`bench-raw:${key(i)}`))!),
      },
      { name: 'tagcache redis get', concurrency: CONCURRENCY, op: (i) => plain.get(key(i)) },
      {
        name: 'tagcache redis get, 2 tags (1 round trip)',
        concurrency: CONCURRENCY,
        op: (i) => tagged.get(key(i)),
      },
      {
        name: 'tagcache redis get, 2 tags, auto-pipelined client',
        concurrency: CONCURRENCY,
        op: (i) => taggedPipelined.get(key(i)),
      },
    ];
    report({
      scenario: 'redis',
      title: `Redis: get hit, ${CONCURRENCY} concurrent operations`,
      rows: await measure(subjects),
      notes: [
        'tagcache goes through the service: timeout and circuit breaker, entry header, tag check, JSON envelope.',
        'A tagged get is one EVALSHA (entry + MGET of its tag versions inside Lua); on a Cluster it is two round trips.',
      ],
    });
  } finally {
    await plain.close();
    await tagged.close();
    await taggedPipelined.close();
    pipelinedClient.disconnect();
    raw.disconnect();
    rawPipelined.disconnect();
    await own?.stop();
  }
}

export default {
  name: 'redis',
  description: 'Redis get (tagged, one round trip) vs raw ioredis GET at 100 concurrent operations',
  run,
};
