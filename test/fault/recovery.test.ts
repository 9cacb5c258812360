/**
 * Recovery as fast as the backend (issue 14): the circuit breaker follows the client's
 * connection. With a 10-minute cool-down, the only way a call gets through within the bounded
 * attempts after the server returns is the client's "connected again" signal half-opening the
 * circuit; and `health()` never reports a circuit that disagrees with it.
 */
import {
  type CacheBackend,
  type CacheError,
  CacheService,
  MemcachedBackend,
  RedisBackend,
} from '@tagcache/core';
import { describe, expect, it } from 'vitest';
import { hasBinary, type RunningServer, startMemcached, startRedis } from '../support/servers.js';
import { storeBeforeOutage } from './support/outage.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Kind {
  readonly name: string;
  readonly runnable: boolean;
  readonly start: (port?: number) => Promise<RunningServer>;
  readonly backend: (port: number) => CacheBackend;
}

const KINDS: readonly Kind[] = [
  {
    name: 'redis',
    runnable: hasBinary('redis-server'),
    start: (port) => startRedis(port),
    backend: (port) => new RedisBackend({ url: `redis://127.0.0.1:${port}` }),
  },
  {
    name: 'memcached',
    runnable: hasBinary('memcached'),
    start: (port) => startMemcached(port),
    backend: (port) => new MemcachedBackend({ servers: `127.0.0.1:${port}` }),
  },
];

for (const kind of KINDS) {
  describe.skipIf(!kind.runnable)(`${kind.name}: the breaker follows the connection`, () => {
    it('fails fast while down, half-opens when the client reconnects (10 min cool-down), health agrees', async () => {
      let server = await kind.start();
      const port = server.port;
      const cache = new CacheService({
        backend: kind.backend(port),
        prefix: `recovery-${kind.name}:`,
        // A timeout far above anything a refused connection takes, and a cool-down no test outlives.
        resilience: { timeout: '5s', circuitBreaker: { failureThreshold: 3, cooldown: '10m' } },
      });
      const codes: string[] = [];
      cache.on('error', ({ error }: { error: CacheError }) => {
        codes.push(error.code);
      });
      try {
        await storeBeforeOutage(cache, 'present', 'value');
        codes.length = 0;

        await server.stop();
        for (let i = 0; i < 50 && (await cache.health()).circuit !== 'open'; i++) {
          expect(await cache.get('present', 'fallback')).toBe('fallback');
        }
        const down = await cache.health();
        expect(down).toMatchObject({ healthy: false, circuit: 'open' });
        // It says why: the open circuit and the connection failure (host and port, never more).
        expect(down.reason).toMatch(/^circuit open after \d+ consecutive failures; last failure: /);
        expect(down.reason).toContain(`127.0.0.1:${port}`);
        // Connection failures failed fast: nothing waited for the 5 s timeout.
        expect(codes.length).toBeGreaterThan(0);
        expect(codes.filter((code) => code !== 'CONNECTION' && code !== 'CIRCUIT_OPEN')).toEqual([]);
        codes.length = 0;
        expect(await cache.get('present', 'fallback')).toBe('fallback');
        expect(codes).toEqual(['CIRCUIT_OPEN']);

        server = await kind.start(port);
        // The cool-down has 10 minutes to go: only the reconnection signal lets a call through.
        let attempts = 0;
        let hit = false;
        while (!hit && attempts < 100) {
          attempts++;
          if (await cache.set('after', { back: attempts }, { ttl: 60 })) {
            hit = (await cache.get('after')) !== undefined;
          }
          if (!hit) await sleep(50);
        }
        expect(hit).toBe(true);
        const up = await cache.health();
        expect(up).toMatchObject({ healthy: true, circuit: 'closed' });
        expect(up.reason).toBeUndefined();
      } finally {
        await cache.close();
        await server.stop();
      }
    }, 60_000);

    it('health() and the circuit never disagree: a probe that answers closes the circuit', async () => {
      const server = await kind.start();
      const cache = new CacheService({
        backend: kind.backend(server.port),
        prefix: `recovery-health-${kind.name}:`,
        resilience: { timeout: '200ms', circuitBreaker: { failureThreshold: 2, cooldown: '10m' } },
      });
      try {
        await storeBeforeOutage(cache, 'present', 'value');
        // A server that stops answering: timeouts, which no client sees as a lost connection, so
        // no reconnection signal comes after it answers again.
        process.kill(server.pid, 'SIGSTOP');
        try {
          for (let i = 0; i < 10 && (await cache.health()).circuit !== 'open'; i++)
            await cache.get('present');
          const stopped = await cache.health();
          expect(stopped).toMatchObject({ healthy: false, circuit: 'open' });
          expect(stopped.reason).toMatch(/did not answer within 200 ms/);
        } finally {
          process.kill(server.pid, 'SIGCONT');
        }
        // The server answers again: the probe that sees it closes the circuit (it used to report
        // `healthy: true` beside `circuit: 'open'` for the whole cool-down).
        let health = await cache.health();
        for (let i = 0; i < 20 && !health.healthy; i++) {
          await sleep(50);
          health = await cache.health();
        }
        expect(health).toMatchObject({ healthy: true, circuit: 'closed' });
        expect(await cache.get('present')).toBe('value');
      } finally {
        await cache.close();
        await server.stop();
      }
    }, 60_000);
  });
}
