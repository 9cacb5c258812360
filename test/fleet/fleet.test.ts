import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memcachedServers, redisUrl } from '../support/test-servers.js';
import { type FleetWorker, startFleet } from './fleet.js';

const targets = [
  { backend: 'redis' as const, address: redisUrl() },
  { backend: 'memcached' as const, address: memcachedServers() },
];

for (const { backend, address } of targets) {
  describe.skipIf(!address)(`a fleet of four processes on ${backend}`, () => {
    let workers: FleetWorker[];
    let stop: () => Promise<void>;

    beforeAll(async () => {
      ({ workers, stop } = await startFleet(4, backend, address!, `fleet-${backend}-${Date.now()}:`));
    });
    afterAll(async () => {
      await stop?.();
    });

    it('runs the loader once in total when all four ask for one cold key', async () => {
      const replies = await Promise.all(
        workers.map((w) => w.call({ op: 'getOrSet', key: 'cold', tags: ['catalog'], loadMs: 500 })),
      );
      expect(replies.map((r) => r.error)).toEqual([undefined, undefined, undefined, undefined]);
      expect(replies.filter((r) => r.loaderRan)).toHaveLength(1);
      const loadedBy = (replies[0]!.value as { loadedBy: number }).loadedBy;
      expect(workers.map((w) => w.pid)).toContain(loadedBy);
      for (const reply of replies) expect(reply.value).toEqual({ loadedBy });
    });

    it('a tag invalidated in one process is a miss in all of them', async () => {
      const first = await workers[0]!.call({ op: 'getOrSet', key: 'tagged', tags: ['t1', 't2'], loadMs: 0 });
      const before = await Promise.all(workers.map((w) => w.call({ op: 'get', key: 'tagged' })));
      expect(before.map((r) => r.value)).toEqual(workers.map(() => first.value));
      expect((await workers[2]!.call({ op: 'invalidate', tags: ['t2'] })).value).toBe(true);
      const after = await Promise.all(workers.map((w) => w.call({ op: 'get', key: 'tagged' })));
      expect(after.map((r) => r.value)).toEqual([undefined, undefined, undefined, undefined]);
    });
  });
}
