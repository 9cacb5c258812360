import { CacheService, RedisBackend } from '@tagcache/core';
import type { ResilientBackend } from '@tagcache/core/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl } from '../support/test-servers.js';
import {
  burst,
  countUnhandledRejections,
  FRAMEWORKS,
  fetchOnce,
  figure,
  sleep,
  startApp,
  storedHit,
} from './support/http-harness.js';
import { TcpProxy } from './support/tcp-proxy.js';

const url = redisUrl();

/**
 * Redis behind a loopback proxy that delays, stalls and drops traffic while the app is under
 * load: every request completes (2xx), the circuit opens, half-opens to probe, and closes once
 * the path is healthy again. Counts and states are asserted, never durations.
 */
describe.skipIf(!url)('a slow, stalled, then dead path to Redis under HTTP load', () => {
  let proxy: TcpProxy;
  beforeAll(async () => {
    proxy = await TcpProxy.start(Number(new URL(url!).port));
  });
  afterAll(async () => {
    await proxy?.close();
  });

  for (const framework of FRAMEWORKS) {
    it(`${framework}: requests complete, the circuit opens, half-opens and closes`, async () => {
      proxy.setMode('pass');
      const cache = new CacheService({
        backend: new RedisBackend({ url: `redis://127.0.0.1:${proxy.port}`, lock: { timeoutMs: 250 } }),
        prefix: `slow-${framework}-${Date.now()}:`,
        resilience: { timeout: '150ms', circuitBreaker: { failureThreshold: 3, cooldown: '300ms' } },
      });
      const resilient = cache.backend as ResilientBackend;
      const states: string[] = [resilient.circuit];
      const sampler = setInterval(() => {
        if (resilient.circuit !== states.at(-1)) states.push(resilient.circuit);
      }, 2);
      const errors: Record<string, number> = {};
      const lockErrors: Record<string, number> = {};
      cache.on('error', ({ error, operation }) => {
        errors[error.code] = (errors[error.code] ?? 0) + 1;
        if (operation === 'lock') lockErrors[error.code] = (lockErrors[error.code] ?? 0) + 1;
      });
      const rejections = countUnhandledRejections();
      const app = await startApp(framework, cache, [
        {
          path: '/item/:id',
          options: { ttl: 60 },
          handle: ({ params }) => ({ body: { id: params.id } }),
        },
      ]);
      const healthSeen: string[] = [];
      try {
        for (let i = 0; i < 50 && !storedHit(app.log.at(-1) ?? ({} as never)); i++) {
          await fetchOnce(app.url, '/item/0');
          if (!storedHit(app.log.at(-1)!)) await sleep(50);
        }
        const load = burst(app.url, {
          seconds: 4,
          connections: 8,
          paths: Array.from({ length: 8 }, (_, i) => `/item/${i}`),
        });
        await sleep(600);
        proxy.setMode('delay', 400);
        // health() reports the open circuit while the path is slow (bounded attempts).
        for (let i = 0; i < 40; i++) {
          const health = await cache.health();
          healthSeen.push(`${health.circuit}/${health.healthy}`);
          if (health.circuit === 'open' && !health.healthy) break;
          await sleep(25);
        }
        await sleep(400);
        proxy.setMode('stall');
        await sleep(700);
        proxy.setMode('drop');
        await sleep(500);
        proxy.setMode('pass');
        const result = await load;
        // Once the path is healthy, health() reports a closed circuit again (bounded attempts).
        let closed = false;
        for (let i = 0; i < 100 && !closed; i++) {
          await fetchOnce(app.url, `/item/${i % 8}`);
          const health = await cache.health();
          closed = health.circuit === 'closed' && health.healthy;
          if (!closed) await sleep(50);
        }
        healthSeen.push(closed ? 'closed/true' : 'not closed');
        let hit = false;
        for (let i = 0; i < 50 && !hit; i++) hit = (await fetchOnce(app.url, '/item/1')).xCache === 'HIT';

        figure(`slow backend (${framework})`, {
          requests: result.requests,
          non2xx: result.non2xx,
          errors: result.errors,
          p99Ms: result.p99Ms,
          circuit: states.join('>'),
          cacheErrors: JSON.stringify(errors),
          lockErrors: JSON.stringify(lockErrors),
          proxyConnections: proxy.connections,
        });
        expect(result.requests).toBeGreaterThan(0);
        expect(result.non2xx).toBe(0);
        expect(result.errors).toBe(0);
        expect(result.timeouts).toBe(0);
        expect(rejections.reasons).toEqual([]);
        expect(healthSeen).toContain('open/false');
        expect(healthSeen.at(-1)).toBe('closed/true');
        // The breaker went closed → open, probed (half-open), and closed again.
        expect(states[0]).toBe('closed');
        expect(states).toContain('open');
        expect(states).toContain('half-open');
        expect(states.at(-1)).toBe('closed');
        expect(errors.TIMEOUT).toBeGreaterThan(0);
        expect(errors.CIRCUIT_OPEN).toBeGreaterThan(0);
        // The fleet lock respects the open circuit too (fails fast instead of waiting its timeout).
        expect(lockErrors.CIRCUIT_OPEN).toBeGreaterThan(0);
        expect(hit).toBe(true);
      } finally {
        clearInterval(sampler);
        rejections.stop();
        await app.close();
        await cache.close();
      }
    }, 60_000);
  }
});
