/**
 * Memcached get at 100 concurrent operations: tagcache (untagged, and with 2 tags: the entry
 * and its tag versions requested together) against raw memjs get. Uses MEMCACHED_SERVERS when set, otherwise
 * starts a memcached of its own.
 */
import { CacheService, MemcachedBackend } from '@tagcache/core';
import memjs from 'memjs';
import { startMemcached } from '../../test/support/servers.js';
import { measure, type Subject } from '../lib/measure.js';
import { report } from '../lib/report.js';

const KEYS = 1_000;
const CONCURRENCY = 100;
const key = (i: number): string => `product:${i % KEYS}`;
const value = { id: 42, name: 'Espresso machine', price: 199.99, tags: ['kitchen', 'coffee'], stock: 7 };

async function run(): Promise<void> {
  const own = process.env.MEMCACHED_SERVERS ? undefined : await startMemcached();
  const servers = process.env.MEMCACHED_SERVERS ?? `127.0.0.1:${own!.port}`;
  const raw = memjs.Client.create(servers, { logger: { log: () => {} } });
  const plain = new CacheService({
    backend: new MemcachedBackend({ servers }),
    prefix: 'bench-plain:',
    defaultTtl: '1h',
  });
  const tagged = new CacheService({
    backend: new MemcachedBackend({ servers }),
    prefix: 'bench-tagged:',
    defaultTtl: '1h',
  });
  try {
    for (let i = 0; i < KEYS; i++) {
      await raw.set(`bench-raw:${key(i)}`, JSON.stringify(value), { expires: 3600 });
      await plain.set(key(i), value);
      await tagged.set(key(i), value, { tags: ['products', `product:${i}`] });
    }
    const subjects: Subject[] = [
      {
        name: 'memjs get + JSON.parse',
        reference: true,
        concurrency: CONCURRENCY,
        op: async (i) => JSON.parse(String((await raw.get(`bench-raw:${key(i)}`)).value)),
      },
      { name: 'tagcache memcached get', concurrency: CONCURRENCY, op: (i) => plain.get(key(i)) },
      {
        name: 'tagcache memcached get, 2 tags (1 round trip, 3 requests)',
        concurrency: CONCURRENCY,
        op: (i) => tagged.get(key(i)),
      },
    ];
    report({
      scenario: 'memcached',
      title: `Memcached: get hit, ${CONCURRENCY} concurrent operations`,
      rows: await measure(subjects),
      notes: [
        'memcached has no scripts nor (in memjs) multi-get: a tagged get whose tag names the service knows sends the entry and its tag versions together (one round trip, three requests).',
      ],
    });
  } finally {
    await plain.close();
    await tagged.close();
    raw.close();
    await own?.stop();
  }
}

export default {
  name: 'memcached',
  description: 'Memcached get vs raw memjs get at 100 concurrent operations',
  run,
};
