/**
 * Redis get at 100 concurrent operations: tagcache (untagged, and tagged: entry + 2 tag
 * versions checked on every hit) against raw ioredis GET (the limit), ioredis with
 * auto-pipelining, bentocache's Redis driver (L2 only, same value and tags) and keyv on
 * @keyv/redis (node-redis; no tags). Uses REDIS_URL when set, otherwise starts a redis-server.
 */
import { createKeyv } from '@keyv/redis';
import { CacheService, RedisBackend } from '@tagcache/core';
import { BentoCache, bentostore } from 'bentocache';
import { redisDriver } from 'bentocache/drivers/redis';
import { Redis } from 'ioredis';
import { startRedis } from '../../test/support/servers.js';
import { measure, type Subject } from '../lib/measure.js';
import { report } from '../lib/report.js';

const KEYS = 1_000;
const CONCURRENCY = 100;
const key = (i: number): string => `product:${i % KEYS}`;
const tagsOf = (i: number): string[] => ['products', `product:${i % KEYS}`];
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
  const bentoConnection = new Redis(url);
  const bento = new BentoCache({
    default: 'redis',
    stores: {
      redis: bentostore().useL2Layer(redisDriver({ connection: bentoConnection, prefix: 'bench-bento' })),
    },
  });
  const bentoPlainConnection = new Redis(url);
  const bentoPlain = new BentoCache({
    default: 'redis',
    stores: {
      redis: bentostore().useL2Layer(
        redisDriver({ connection: bentoPlainConnection, prefix: 'bench-bento-plain' }),
      ),
    },
  });
  const keyv = createKeyv(url, { namespace: 'bench-keyv' });
  try {
    for (let i = 0; i < KEYS; i++) {
      await raw.set(`bench-raw:${key(i)}`, JSON.stringify(value));
      await plain.set(key(i), value);
      await tagged.set(key(i), value, { tags: tagsOf(i) });
      await bento.set({ key: key(i), value, ttl: '1h', tags: tagsOf(i) });
      await bentoPlain.set({ key: key(i), value, ttl: '1h' });
      await keyv.set(key(i), value, 3_600_000);
    }
    if ((await bento.get({ key: key(1) })) === undefined) throw new Error('bentocache: no hit');
    if ((await keyv.get(key(1))) === undefined) throw new Error('keyv: no hit');
    if ((await tagged.get(key(1))) === undefined) throw new Error('tagcache: no hit');
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
        name: 'tagcache redis get, 2 tags',
        concurrency: CONCURRENCY,
        op: (i) => tagged.get(key(i)),
      },
      {
        name: 'tagcache redis getOrSet hit, 2 tags',
        concurrency: CONCURRENCY,
        op: (i) => tagged.getOrSet(key(i), () => value, { tags: tagsOf(i) }),
      },
      {
        name: 'bentocache redis (L2 only), no tags',
        concurrency: CONCURRENCY,
        op: (i) => bentoPlain.get({ key: key(i) }),
      },
      {
        name: 'bentocache redis (L2 only), 2 tags',
        concurrency: CONCURRENCY,
        op: (i) => bento.get({ key: key(i) }),
      },
      { name: 'keyv + @keyv/redis (no tags)', concurrency: CONCURRENCY, op: (i) => keyv.get(key(i)) },
    ];
    report({
      scenario: 'redis',
      title: `Redis: get hit, ${CONCURRENCY} concurrent operations`,
      rows: await measure(subjects),
      notes: [
        'tagcache goes through the service: timeout and circuit breaker, entry header, tag check, JSON envelope.',
        'Goal (issue #11): tagcache tagged get ≥ 1.5× raw ioredis GET + JSON.parse, tag check included; and ≥ 1.6× bentocache.',
        "A tagcache hit on one node joins the turn's single MGET (entry + tag versions of every concurrent read); tag names come from the per-key memo or getOrSet's tags.",
        'keyv sits on node-redis (its own client and pipelining); it has no tags.',
      ],
    });
  } finally {
    await plain.close();
    await tagged.close();
    await bento.disconnectAll().catch(() => {});
    await bentoPlain.disconnectAll().catch(() => {});
    bentoConnection.disconnect();
    bentoPlainConnection.disconnect();
    await keyv.disconnect().catch(() => {});
    raw.disconnect();
    rawPipelined.disconnect();
    await own?.stop();
  }
}

export default {
  name: 'redis',
  description: 'Redis tagged get vs raw ioredis, bentocache and keyv at 100 concurrent operations',
  run,
};
