/**
 * A process that builds network backends and must then exit by itself (see
 * `idle-process.test.ts`). Run with `node --import tsx idle-process-child.ts <mode>`; env:
 * REDIS_URL, MEMCACHED_SERVERS, PROBE_URL (a listener that counts connections).
 * - `unused`: builds every kind of network backend, a service and a config registry, uses none.
 * - `used`: one set and get on Redis and memcached, then `close()`.
 */
import { CacheService, createCaches, MemcachedBackend, RedisBackend } from '../../src/index.js';

const mode = process.argv[2];
const redisUrl = process.env.REDIS_URL!;
const servers = process.env.MEMCACHED_SERVERS!;

if (mode === 'unused') {
  new RedisBackend({ url: process.env.PROBE_URL! });
  // The README's Cluster line, as a user would copy it: names that cannot resolve.
  new RedisBackend({ clusterNodes: ['redis-a.internal:6379', 'redis-b.internal:6379'] });
  new MemcachedBackend({ servers });
  new CacheService({ backend: new RedisBackend({ url: process.env.PROBE_URL! }) });
  createCaches({
    backends: [
      { name: 'hot', type: 'memory', default: true },
      { name: 'redis', type: 'redis', url: process.env.PROBE_URL! },
      { name: 'memcached', type: 'memcached', servers },
    ],
  });
} else if (mode === 'used') {
  for (const backend of [new RedisBackend({ url: redisUrl }), new MemcachedBackend({ servers })]) {
    const cache = new CacheService({
      backend,
      prefix: `idle-${process.pid}:`,
      resilience: { timeout: '10s' },
    });
    if (!(await cache.set('k', 1, { tags: ['t'] }))) throw new Error(`${backend.name}: set failed`);
    if ((await cache.get('k')) !== 1) throw new Error(`${backend.name}: get missed`);
    await cache.close();
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}
process.send?.('done');
