import { CacheService, RedisBackend } from '@tagcache/core';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { type FleetWorker, startFleet } from '../fleet/fleet.js';
import { busEventEverywhere, changeEverywhere, l1Hits, readEverywhere } from '../fleet/l1-fleet.js';
import { hasBinary, type RunningServer, startRedis } from '../support/servers.js';
import { memcachedServers, redisUrl } from '../support/test-servers.js';

// Each test stops or kills its own redis-server: only where the binary exists.
const runnable = redisUrl() !== undefined && hasBinary('redis-server');
const memcached = memcachedServers();

let server: RunningServer | undefined;
let stopFleet: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stopFleet?.();
  await server?.stop();
  stopFleet = undefined;
  server = undefined;
});

/** Three processes with an L1 that all hold `{ v: 1 }` at `key` in their L1. */
async function fleetHolding(
  backend: 'redis' | 'memcached',
  address: string,
  key: string,
  busUrl?: string,
): Promise<{ workers: FleetWorker[]; prefix: string }> {
  const prefix = `bus-loss-${Date.now()}:`;
  const fleet = await startFleet(3, backend, address, prefix, { l1: 100, ...(busUrl ? { busUrl } : {}) });
  stopFleet = fleet.stop;
  const { workers } = fleet;
  await changeEverywhere(workers, 0, { op: 'set', key, value: { v: 1 }, tags: ['t'] });
  expect(await readEverywhere(workers, key)).toEqual([{ v: 1 }, { v: 1 }, { v: 1 }]);
  const before = await l1Hits(workers);
  expect(await readEverywhere(workers, key)).toEqual([{ v: 1 }, { v: 1 }, { v: 1 }]);
  const after = await l1Hits(workers);
  for (const [i, hits] of after.entries()) expect(hits).toBe(before[i]! + 1);
  return { workers, prefix };
}

describe.skipIf(!runnable)('the bus connection lost: no stale read', () => {
  it('CLIENT KILL TYPE pubsub: every L1 is cleared when its bus is back', async () => {
    server = await startRedis();
    const url = `redis://127.0.0.1:${server.port}`;
    const { workers, prefix } = await fleetHolding('redis', url, 'k');
    // A writer without the bus (no L1, so it publishes nothing): the L1s cannot know.
    const silent = new CacheService({ backend: new RedisBackend({ url }), prefix });
    expect(await silent.set('k', { v: 2 }, { tags: ['t'] })).toBe(true);
    await silent.close();
    expect(await readEverywhere(workers, 'k')).toEqual([{ v: 1 }, { v: 1 }, { v: 1 }]);

    const admin = new Redis(url);
    await admin.client('KILL', 'TYPE', 'pubsub');
    admin.disconnect();
    await busEventEverywhere(workers, 'disconnect');
    await busEventEverywhere(workers, 'reconnect');
    // Whatever happened while the bus was down, the L1 copies from before are gone.
    expect(await readEverywhere(workers, 'k')).toEqual([{ v: 2 }, { v: 2 }, { v: 2 }]);
  });

  it('Redis (backend and bus) restarted empty: the L1s serve nothing from before', async () => {
    server = await startRedis();
    const port = server.port;
    const { workers } = await fleetHolding('redis', `redis://127.0.0.1:${port}`, 'k');
    await server.stop();
    await busEventEverywhere(workers, 'disconnect');
    server = await startRedis(port);
    await busEventEverywhere(workers, 'reconnect');
    expect(await readEverywhere(workers, 'k')).toEqual([undefined, undefined, undefined]);
  });

  it.skipIf(!memcached)(
    'memcached with its bus Redis down: reads bypass the L1, changes are seen at once',
    async () => {
      server = await startRedis();
      const port = server.port;
      const busUrl = `redis://127.0.0.1:${port}`;
      const { workers } = await fleetHolding('memcached', memcached!, 'k', busUrl);
      await changeEverywhere(workers, 0, { op: 'set', key: 'other', value: 'o', tags: [] });
      expect(await readEverywhere(workers, 'other')).toEqual(['o', 'o', 'o']);

      await server.stop();
      await busEventEverywhere(workers, 'disconnect');
      const hitsBefore = await l1Hits(workers);
      // Changes while no instance can hear of them: memcached has them, the L1s are bypassed.
      expect((await workers[0]!.call({ op: 'set', key: 'k', value: { v: 2 }, tags: ['t'] })).value).toBe(
        true,
      );
      expect((await workers[1]!.call({ op: 'delete', key: 'other' })).value).toBe(true);
      expect(await readEverywhere(workers, 'k')).toEqual([{ v: 2 }, { v: 2 }, { v: 2 }]);
      expect(await readEverywhere(workers, 'other')).toEqual([undefined, undefined, undefined]);
      expect((await workers[2]!.call({ op: 'invalidate', tags: ['t'] })).value).toBe(true);
      expect(await readEverywhere(workers, 'k')).toEqual([undefined, undefined, undefined]);
      expect(await l1Hits(workers)).toEqual(hitsBefore); // not one L1 hit while the bus was down

      expect((await workers[0]!.call({ op: 'set', key: 'k', value: { v: 3 }, tags: ['t'] })).value).toBe(
        true,
      );
      server = await startRedis(port);
      await busEventEverywhere(workers, 'reconnect');
      expect(await readEverywhere(workers, 'k')).toEqual([{ v: 3 }, { v: 3 }, { v: 3 }]);
      const again = await l1Hits(workers);
      expect(await readEverywhere(workers, 'k')).toEqual([{ v: 3 }, { v: 3 }, { v: 3 }]);
      expect(await l1Hits(workers)).toEqual(again.map((hits) => hits + 1)); // the L1 serves again
    },
  );

  it.skipIf(!memcached)(
    'memcached with its bus Redis frozen (SIGSTOP): noticed by the heartbeat, no stale read',
    async () => {
      server = await startRedis();
      const frozen = server;
      const { workers } = await fleetHolding(
        'memcached',
        memcached!,
        'k',
        `redis://127.0.0.1:${server.port}`,
      );
      process.kill(frozen.pid, 'SIGSTOP');
      try {
        // No socket closes: only the bus's heartbeat can tell.
        await busEventEverywhere(workers, 'disconnect');
        // The publish of this write hangs and times out; memcached has it, every L1 is bypassed.
        expect((await workers[0]!.call({ op: 'set', key: 'k', value: { v: 2 }, tags: ['t'] })).value).toBe(
          true,
        );
        expect(await readEverywhere(workers, 'k')).toEqual([{ v: 2 }, { v: 2 }, { v: 2 }]);
      } finally {
        process.kill(frozen.pid, 'SIGCONT');
      }
      await busEventEverywhere(workers, 'reconnect');
      expect(await readEverywhere(workers, 'k')).toEqual([{ v: 2 }, { v: 2 }, { v: 2 }]);
    },
  );
});
