/**
 * Redis Sentinel (issue 14): a master, a replica and three sentinels (`redis-server
 * --sentinel`); the master is killed under load. No call fails, hits resume once the replica
 * is promoted (with a 10-minute cool-down: the reconnection signal, not the cool-down, brings
 * them back), and no write is reported as stored that the current master does not hold. A
 * write refused by a replica (`READONLY`) is a failure, never a success.
 */
import { CacheService, RedisBackend } from '@tagcache/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { type SentinelGroup, startSentinelGroup } from '../support/redis-topologies.js';
import { ask, hasBinary, waitUntil } from '../support/servers.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Write {
  readonly key: string;
  readonly stored: boolean;
  /** Started after the master was killed: only the promoted replica can have acknowledged it. */
  readonly afterKill: boolean;
}

describe.skipIf(!hasBinary('redis-server'))('Redis Sentinel: the master killed under load', () => {
  let group: SentinelGroup | undefined;
  afterAll(async () => {
    await group?.stop();
  });

  it('a replica refuses writes with READONLY: reported as a failure, not as stored', async () => {
    group = await startSentinelGroup();
    const replica = new RedisBackend({ url: `redis://127.0.0.1:${group.replica.port}` });
    const cache = new CacheService({ backend: replica, prefix: 'readonly:' });
    const codes: string[] = [];
    cache.on('error', ({ error }) => {
      codes.push(`${error.code} ${error.message}`);
    });
    try {
      expect(await cache.set('k', 'v')).toBe(false);
      expect(codes.some((line) => /^CONNECTION .*READONLY/.test(line))).toBe(true);
      // The client reconnects after a READONLY reply (to find the current master); then again.
      let direct = await replica.set('readonly:k', new Uint8Array([1]));
      for (let i = 0; i < 50 && !direct.ok && !/READONLY/.test(direct.error.message); i++) {
        await sleep(50);
        direct = await replica.set('readonly:k', new Uint8Array([1]));
      }
      expect(direct.ok).toBe(false);
      if (!direct.ok) expect(direct.error.message).toMatch(/READONLY/);
    } finally {
      await cache.close();
    }
  });

  it('no failed call, hits after the promotion, every write reported stored is on the new master', async () => {
    group ??= await startSentinelGroup();
    const backend = new RedisBackend({ sentinels: group.sentinelNodes, name: group.name });
    const cache = new CacheService({
      backend,
      prefix: 'sentinel:',
      resilience: { circuitBreaker: { failureThreshold: 3, cooldown: '10m' } },
    });
    const timeline: string[] = [];
    const t0 = Date.now();
    backend.connection.onChange((state) => timeline.push(`${Date.now() - t0} conn ${state}`));
    const writes: Write[] = [];
    let thrown = 0;
    let killed = false;
    let running = true;
    let sequence = 0;
    const worker = async (id: number): Promise<void> => {
      while (running) {
        const n = sequence++;
        const afterKill = killed;
        try {
          await cache.getOrSet(`item:${n % 8}`, async () => ({ n }), { ttl: 60, tags: ['items'] });
          const key = `w:${id}:${n}`;
          writes.push({ key, stored: await cache.set(key, n, { ttl: 600 }), afterKill });
        } catch {
          thrown++;
        }
        await sleep(5);
      }
    };
    try {
      for (let i = 0; i < 50 && (await cache.getOrSet('warm', async () => 1)) !== 1; i++) await sleep(50);
      const load = Promise.all(Array.from({ length: 4 }, (_, id) => worker(id)));
      await sleep(300);
      const oldMaster = group.master.port;
      process.kill(group.master.pid, 'SIGKILL');
      // Writes that started once the old master is gone can only be acknowledged by the new one.
      await waitUntil(
        'the old master gone',
        async () =>
          !(await ask(oldMaster, 'PING\r\n').then(
            () => true,
            () => false,
          )),
      );
      killed = true;
      // Sentinel notices (down-after 1 s), elects a leader and promotes the replica.
      for (let i = 0; i < 300 && (await group.masterPort().catch(() => oldMaster)) === oldMaster; i++) {
        await sleep(100);
      }
      expect(await group.masterPort()).toBe(group.replica.port);
      const hitsAtPromotion = cache.stats().hits;
      // The cool-down has 10 minutes to go: hits come back through the reconnection signal.
      for (let i = 0; i < 200 && cache.stats().hits === hitsAtPromotion; i++) await sleep(50);
      const hitsAfter = cache.stats().hits - hitsAtPromotion;
      running = false;
      await load;

      expect(thrown).toBe(0);
      // The connection's history, to tell a client that never reconnected from a slow promotion.
      expect(hitsAfter, timeline.join(' | ')).toBeGreaterThan(0);
      expect(writes.filter((w) => w.stored).length).toBeGreaterThan(0);
      const acknowledgedAfterKill = writes.filter((w) => w.stored && w.afterKill);
      expect(acknowledgedAfterKill.length).toBeGreaterThan(0);
      const promoted = new Redis({ host: '127.0.0.1', port: group.replica.port, lazyConnect: true });
      try {
        await promoted.connect();
        const present = await Promise.all(
          acknowledgedAfterKill.map((w) => promoted.exists(`sentinel:|${w.key}`)),
        );
        expect(acknowledgedAfterKill.filter((_, i) => present[i] !== 1)).toEqual([]);
      } finally {
        promoted.disconnect();
      }
      expect(await cache.health()).toMatchObject({ healthy: true, circuit: 'closed' });
    } finally {
      running = false;
      await cache.close();
    }
  }, 90_000);
});
