import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memcachedServers, redisClusterNodes, redisUrl } from '../support/test-servers.js';
import { type FleetWorker, startFleet } from './fleet.js';
import { changeEverywhere, l1Hits } from './l1-fleet.js';

const url = redisUrl();
const cluster = redisClusterNodes();
const memcached = memcachedServers();

const targets = [
  { name: 'one Redis (the default bus on the same server)', backend: 'redis' as const, address: url },
  { name: 'a Redis Cluster', backend: 'redis-cluster' as const, address: cluster?.join(',') },
  { name: 'memcached with a Redis bus', backend: 'memcached' as const, address: memcached, busUrl: url },
];

for (const target of targets) {
  const runnable = target.address !== undefined && (target.backend !== 'memcached' || url !== undefined);
  describe.skipIf(!runnable)(`three processes with an L1 on ${target.name}`, () => {
    let workers: FleetWorker[];
    let stop: () => Promise<void>;

    beforeAll(async () => {
      const prefix = `l1-fleet-${target.backend}-${Date.now()}:`;
      ({ workers, stop } = await startFleet(3, target.backend, target.address!, prefix, {
        l1: 1_000,
        ...(target.busUrl ? { busUrl: target.busUrl } : {}),
      }));
    });
    afterAll(async () => {
      await stop?.();
    });

    /** Stores `value` from worker 0 and reads it twice everywhere: the second read is an L1 hit. */
    async function cachedEverywhere(key: string, value: unknown, tags: string[]): Promise<void> {
      const stored = await changeEverywhere(workers, 0, { op: 'set', key, value, tags });
      expect(stored.value).toBe(true);
      const hitsBefore = await l1Hits(workers);
      for (let round = 0; round < 2; round++) {
        const reads = await Promise.all(workers.map((w) => w.call({ op: 'get', key })));
        expect(reads.map((r) => r.value)).toEqual([value, value, value]);
      }
      const hitsAfter = await l1Hits(workers);
      for (const [i, hits] of hitsAfter.entries()) expect(hits).toBeGreaterThan(hitsBefore[i]!);
    }

    it('an invalidation in one process is a miss in all the others', async () => {
      await cachedEverywhere('tagged', { v: 1 }, ['t1', 't2']);
      await changeEverywhere(workers, 1, { op: 'invalidate', tags: ['t2'] });
      const after = await Promise.all(workers.map((w) => w.call({ op: 'get', key: 'tagged' })));
      expect(after.map((r) => r.value)).toEqual([undefined, undefined, undefined]);
    });

    it('a write in one process replaces the copy in every L1', async () => {
      await cachedEverywhere('written', { v: 1 }, ['w']);
      await changeEverywhere(workers, 2, { op: 'set', key: 'written', value: { v: 2 }, tags: ['w'] });
      const after = await Promise.all(workers.map((w) => w.call({ op: 'get', key: 'written' })));
      expect(after.map((r) => r.value)).toEqual([{ v: 2 }, { v: 2 }, { v: 2 }]);
    });

    it('a delete in one process is a miss in all the others', async () => {
      await cachedEverywhere('deleted', { v: 1 }, []);
      await changeEverywhere(workers, 1, { op: 'delete', key: 'deleted' });
      const after = await Promise.all(workers.map((w) => w.call({ op: 'get', key: 'deleted' })));
      expect(after.map((r) => r.value)).toEqual([undefined, undefined, undefined]);
    });

    it.skipIf(target.backend === 'memcached')(
      'deletePattern in one process is a miss in all the others',
      async () => {
        await cachedEverywhere('pattern:1', { v: 1 }, []);
        await changeEverywhere(workers, 2, { op: 'deletePattern', pattern: 'pattern:*' });
        const after = await Promise.all(workers.map((w) => w.call({ op: 'get', key: 'pattern:1' })));
        expect(after.map((r) => r.value)).toEqual([undefined, undefined, undefined]);
      },
    );

    it('stampede protection stays fleet-wide: one loader for a cold key asked everywhere', async () => {
      const replies = await Promise.all(
        workers.map((w) => w.call({ op: 'getOrSet', key: 'cold', tags: ['catalog'], loadMs: 300 })),
      );
      expect(replies.map((r) => r.error)).toEqual([undefined, undefined, undefined]);
      expect(replies.filter((r) => r.loaderRan)).toHaveLength(1);
      const values = replies.map((r) => r.value);
      expect(values).toEqual([values[0], values[0], values[0]]);
    });
  });
}
