/**
 * Redis Cluster (issue 14): one master stopped and restarted with its cluster config, within
 * the cluster's node timeout (no failover). With a 10-minute cool-down, hits resume after the
 * restart only because the restarted master's connection reports itself ready again.
 */
import { CacheService, RedisBackend } from '@tagcache/core';
import type { ResilientBackend } from '@tagcache/core/backend';
import { describe, expect, it } from 'vitest';
import { startRestartableCluster } from '../support/redis-topologies.js';
import { hasBinary } from '../support/servers.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const KEYS = Array.from({ length: 30 }, (_, i) => `k${i}`);

describe.skipIf(!hasBinary('redis-server') || !hasBinary('redis-cli'))(
  'Redis Cluster: a master restarted',
  () => {
    it('no call throws, the circuit opens, hits resume after the restart (10 min cool-down)', async () => {
      const cluster = await startRestartableCluster();
      const cache = new CacheService({
        backend: new RedisBackend({ clusterNodes: [...cluster.nodes] }),
        prefix: 'cluster-restart:',
        resilience: { circuitBreaker: { failureThreshold: 3, cooldown: '10m' } },
      });
      const circuit = (): string => (cache.backend as ResilientBackend).circuit;
      try {
        for (let attempt = 0; attempt < 50 && !(await cache.set('warm', 1)); attempt++) await sleep(100);
        for (const key of KEYS) expect(await cache.set(key, key, { ttl: 600 })).toBe(true);

        await cluster.stopNode(1);
        // A third of the keys live on the stopped master: their reads fail until the circuit opens.
        for (let i = 0; i < 300 && circuit() !== 'open'; i++)
          await cache.get(KEYS[i % KEYS.length]!, 'fallback');
        expect(circuit()).toBe('open');

        await cluster.restartNode(1);
        let hit = false;
        for (let attempt = 0; attempt < 100 && !hit; attempt++) {
          if (await cache.set('after', 'back', { ttl: 60 })) hit = (await cache.get('after')) === 'back';
          if (!hit) await sleep(50);
        }
        expect(hit).toBe(true);
        expect(circuit()).toBe('closed');
        // Every slot answers again (the restarted master's keys are gone: no persistence).
        for (const key of KEYS) expect(await cache.set(key, key, { ttl: 600 })).toBe(true);
      } finally {
        await cache.close();
        await cluster.stop();
      }
    }, 90_000);
  },
);
