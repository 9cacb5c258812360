import { createCaches, MemcachedBackend, RedisBackend } from '@tagcache/core';
import type { ResilientBackend } from '@tagcache/core/backend';
import { describe, expect, it } from 'vitest';
import { memcachedServers, redisClusterNodes, redisUrl } from '../../../../test/support/test-servers.js';

const url = redisUrl();
const clusterNodes = redisClusterNodes();
const servers = memcachedServers();

describe.skipIf(!url || !clusterNodes || !servers)('createCaches with redis and memcached entries', () => {
  it('builds each backend from its config and shares values through it', async () => {
    const caches = createCaches({
      backends: [
        { name: 'hot', type: 'memory', default: true },
        // A first command also waits for the connection (cluster: slot discovery); on a loaded CI
        // machine that can exceed the default 1 s operation timeout, which is not under test here.
        {
          name: 'redis',
          type: 'redis',
          url: url!,
          prefix: `cfg-${Date.now()}:`,
          resilience: { timeout: '10s' },
        },
        {
          name: 'cluster',
          type: 'redis',
          clusterNodes: clusterNodes!,
          prefix: `cfg-${Date.now()}:`,
          resilience: { timeout: '10s' },
        },
        {
          name: 'memcached',
          type: 'memcached',
          servers: servers!,
          prefix: `cfg-${Date.now()}:`,
          resilience: { timeout: '10s' },
        },
      ],
    });
    try {
      const inner = (name: string) => (caches.get(name).backend as ResilientBackend).inner;
      expect(inner('redis')).toBeInstanceOf(RedisBackend);
      expect(inner('cluster')).toBeInstanceOf(RedisBackend);
      expect(inner('memcached')).toBeInstanceOf(MemcachedBackend);
      for (const name of ['redis', 'cluster', 'memcached']) {
        const cache = caches.get(name);
        expect(await cache.set('k', { from: name }, { tags: ['t'] })).toBe(true);
        expect(await cache.get('k')).toEqual({ from: name });
        const health = await cache.health();
        expect(health).toMatchObject({ backend: name === 'cluster' ? 'redis' : name, healthy: true });
        expect(health.latencyMs).toBeGreaterThanOrEqual(0);
      }
    } finally {
      await caches.close();
    }
  });
});
