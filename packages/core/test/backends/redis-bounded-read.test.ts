import { createHook } from 'node:async_hooks';
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

  /** Promises made while `reads` concurrent gets of `item` (one batch) run and settle. */
  async function promisesOf(reads: number): Promise<number> {
    let promises = 0;
    const hook = createHook({
      init(_id, type) {
        if (type === 'PROMISE') promises++;
      },
    }).enable();
    try {
      const values = await Promise.all(Array.from({ length: reads }, () => cache.get('item')));
      expect(values).toEqual(Array.from({ length: reads }, () => 'value'));
    } finally {
      hook.disable();
    }
    return promises;
  }

  it('a batched hit costs get one promise, settled from the reply (no layer awaits another)', async () => {
    // Promise hooks are on in every process that ever ran a load (the load scope's
    // AsyncLocalStorage): there, each promise and await of a hit costs more. Counted per get as
    // the difference between batches of 40 and 20 reads (the batch's own promises cancel out,
    // give or take one); `Promise.all` makes one more per read. Each layer that awaited the
    // next made two (its own and the await's): 6 per get before.
    await promisesOf(20);
    const perGet = ((await promisesOf(40)) - (await promisesOf(20))) / 20;
    expect(Math.round(perGet)).toBe(2);
  });

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
