import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl } from '../support/test-servers.js';
import { get, startHttpFleet } from './support/http-fleet.js';
import { figure } from './support/http-harness.js';

const url = redisUrl();
const REQUESTS = 500;
const PROCESSES = 4;

/**
 * 500 concurrent requests for one cold, slow route, spread over four app processes: the
 * handler runs once in total on Redis (fleet lock), at most once per process on memory.
 */
describe.skipIf(!url)('stampede: 500 concurrent requests on a cold route across 4 processes', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(url!);
  });
  afterAll(async () => {
    await redis?.quit();
  });

  for (const backend of ['redis', 'memory'] as const) {
    it(`${backend}: the handler runs ${backend === 'redis' ? 'once in total' : 'at most once per process'}`, async () => {
      const id = `${backend}-${Date.now()}-${process.pid}`;
      const counterKey = `stampede-runs:${id}`;
      const fleet = await startHttpFleet(PROCESSES, {
        FLEET_BACKEND: backend,
        FLEET_REDIS_URL: url!,
        FLEET_PREFIX: `stampede:${id}:`,
        FLEET_COUNTER_KEY: counterKey,
        FLEET_LOAD_MS: '300',
      });
      try {
        const replies = await Promise.all(
          Array.from({ length: REQUESTS }, (_, i) => get(fleet.ports[i % PROCESSES]!, '/slow')),
        );
        const total = Number(await redis.get(counterKey));
        const perProcess = await fleet.runs();
        const bodies = new Set(replies.map((r) => r.body));
        figure(`stampede (${backend})`, {
          requests: replies.length,
          non200: replies.filter((r) => r.status !== 200).length,
          handlerRuns: total,
          perProcess: perProcess.join('/'),
          distinctBodies: bodies.size,
        });
        expect(replies.filter((r) => r.status !== 200)).toEqual([]);
        expect(perProcess.reduce((a, b) => a + b, 0)).toBe(total);
        if (backend === 'redis') {
          expect(total).toBe(1);
          expect(bodies.size).toBe(1);
        } else {
          expect(total).toBeGreaterThanOrEqual(1);
          for (const runs of perProcess) expect(runs).toBeLessThanOrEqual(1);
          expect(bodies.size).toBe(total);
        }
      } finally {
        await fleet.stop();
        await redis.del(counterKey);
      }
    }, 60_000);
  }
});
