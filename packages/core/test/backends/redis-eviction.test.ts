/**
 * Redis under `maxmemory` with an eviction policy that may evict tag-version keys (issue 14):
 * an entry whose tag was invalidated must never come back, even when the tag's version key is
 * evicted (and then created afresh by a later write) while the entry itself survives.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBinary, type RunningServer, startRedis } from '../../../../test/support/servers.js';
import { CacheService, RedisBackend } from '../../src/index.js';

const ENTRIES = 300;

describe.skipIf(!hasBinary('redis-server'))('Redis evicting tag versions (maxmemory)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startRedis(undefined, ['--maxmemory', '4mb', '--maxmemory-policy', 'allkeys-random']);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('never resurrects an invalidated entry whose tag version was evicted', async () => {
    const cache = new CacheService({
      backend: new RedisBackend({ url: `redis://127.0.0.1:${server.port}` }),
      prefix: 'ev:',
    });
    const direct = new Redis({ host: '127.0.0.1', port: server.port });
    try {
      for (let i = 0; i < ENTRIES; i++) {
        expect(await cache.set(`e:${i}`, { i, before: true }, { ttl: 600, tags: [`t:${i}`] })).toBe(true);
      }
      const invalidated = Array.from({ length: ENTRIES / 2 }, (_, k) => 2 * k);
      await cache.invalidateTags(invalidated.map((i) => `t:${i}`));
      const tagKey = (i: number): string => `__tc:t:ev:|t:${i}`;
      expect(await direct.exists(tagKey(0))).toBe(1); // the key layout this test relies on

      // Fill memory far past maxmemory: Redis evicts keys at random, tag versions included.
      const filler = 'x'.repeat(8 * 1024);
      for (let batch = 0; batch < 20; batch++) {
        const pipeline = direct.pipeline();
        for (let j = 0; j < 64; j++) pipeline.set(`filler:${batch}:${j}`, filler);
        await pipeline.exec();
      }
      expect(Number(/evicted_keys:(\d+)/.exec(await direct.info('stats'))?.[1])).toBeGreaterThan(0);

      // The case that matters happened: invalidated entries still stored, their tag version gone.
      const survivors: number[] = [];
      for (const i of invalidated) {
        if ((await direct.exists(`ev:|e:${i}`)) === 1 && (await direct.exists(tagKey(i))) === 0)
          survivors.push(i);
      }
      expect(survivors.length).toBeGreaterThan(0);

      // Read every invalidated entry: none comes back, not even once a write recreates its tag.
      for (const i of invalidated) expect(await cache.get(`e:${i}`)).toBeUndefined();
      for (const i of survivors) {
        expect(await cache.set(`fresh:${i}`, 1, { tags: [`t:${i}`] })).toBe(true);
        expect(await cache.get(`e:${i}`)).toBeUndefined();
      }
    } finally {
      direct.disconnect();
      await cache.close();
    }
  }, 60_000);
});
