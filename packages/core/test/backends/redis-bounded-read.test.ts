import { CacheService, RedisBackend } from '@tagcache/core';
import type { ResilientBackend } from '@tagcache/core/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBinary, type RunningServer, startRedis } from '../../../../test/support/servers.js';

/**
 * The batched hit path (entry and tag versions in the turn's MGET) keeps its own deadline and
 * tells the circuit breaker how each read went (`resilience/bounded-reads.ts`): the same
 * answers as a call the resilience layer watches. The server is frozen with SIGSTOP; counts
 * and states are asserted, never durations.
 */
describe.skipIf(!hasBinary('redis-server'))('batched Redis hits under the timeout and breaker', () => {
  let server: RunningServer;
  let cache: CacheService;
  const codes: string[] = [];

  beforeAll(async () => {
    server = await startRedis();
    cache = new CacheService({
      backend: new RedisBackend({ url: `redis://127.0.0.1:${server.port}` }),
      resilience: { timeout: '500ms', circuitBreaker: { failureThreshold: 3, cooldown: '5m' } },
    });
    cache.on('error', ({ error }) => codes.push(error.code));
    await cache.backend.health(); // connects (on a busy machine that alone can take a while)
    expect(await cache.set('item', 'value', { tags: ['items', 'item:1'], ttl: 600 })).toBe(true);
    expect(await cache.get('item')).toBe('value'); // the service now hints ['items', 'item:1']
  });
  afterAll(async () => {
    await cache?.close();
    await server?.stop();
  });

  /** `reads` concurrent gets while the server is frozen; resumes it and lets the late replies land. */
  async function frozen(reads: number): Promise<unknown[]> {
    process.kill(server.pid, 'SIGSTOP');
    try {
      return await Promise.all(Array.from({ length: reads }, () => cache.get('item', 'fallback')));
    } finally {
      process.kill(server.pid, 'SIGCONT');
      // The stalled MGETs are answered before this PING (same connection, replies in order);
      // their reads were settled by the timeout already. The inner backend's probe, not the
      // service's: that one would tell the breaker.
      await (cache.backend as ResilientBackend).inner.health();
    }
  }

  it('each read of a stalled batch times out once; a hit between failures resets the count', async () => {
    const resilient = cache.backend as ResilientBackend;
    codes.length = 0;
    expect(await frozen(2)).toEqual(['fallback', 'fallback']);
    expect(codes).toEqual(['TIMEOUT', 'TIMEOUT']);
    expect(resilient.circuit).toBe('closed');

    expect(await cache.get('item')).toBe('value'); // a batched hit: the breaker hears a success
    expect(await frozen(2)).toEqual(['fallback', 'fallback']);
    expect(codes).toEqual(['TIMEOUT', 'TIMEOUT', 'TIMEOUT', 'TIMEOUT']);
    // Two consecutive failures since the hit: below the threshold of 3.
    expect(resilient.circuit).toBe('closed');

    expect(await frozen(3)).toEqual(['fallback', 'fallback', 'fallback']);
    expect(resilient.circuit).toBe('open');
    expect(codes.filter((code) => code === 'TIMEOUT')).toHaveLength(7);
  });
});
