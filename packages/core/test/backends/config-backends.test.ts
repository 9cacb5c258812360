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

/** Polls `condition` (every 10 ms, up to 10 s): behaviour, never a duration, is asserted. */
async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`never happened: ${what}`);
}

describe.skipIf(!url || !servers)('createCaches with l1 and bus entries (two instances of one app)', () => {
  it.each([
    ['redis (its own server as the bus)', 'redis'],
    ['memcached with a Redis bus', 'memcached'],
  ] as const)(
    '%s: an entry read into one L1 is dropped there when the other invalidates its tag',
    async (_name, kind) => {
      const prefix = `cfg-l1-${kind}-${Date.now()}:`;
      const entry =
        kind === 'redis'
          ? { name: 'pages', type: 'redis' as const, url: url!, prefix, l1: { maxEntries: 100 } }
          : {
              name: 'pages',
              type: 'memcached' as const,
              servers: servers!,
              prefix,
              l1: { maxEntries: 100 },
              bus: { url: url!, channel: `bus-${prefix}` },
            };
      const [a, b] = [createCaches({ backends: [entry] }), createCaches({ backends: [entry] })];
      try {
        const [one, two] = [a.get(), b.get()];
        await until(
          async () => (await one.health()).bus === 'connected' && (await two.health()).bus === 'connected',
          'both buses connected',
        );
        expect(await one.set('page', 'v1', { tags: ['catalogue'] })).toBe(true);
        // From the shared store, then (once two heard one's write on the bus) from two's L1.
        await until(
          async () => (await two.get('page')) === 'v1' && two.stats().l1Hits > 0,
          "a hit in two's L1",
        );
        expect(await one.invalidateTags(['catalogue'])).toBe(true);
        await until(async () => (await two.get('page')) === undefined, "the invalidation reached two's L1");
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    },
  );
});
