import { RedisBackend } from '@tagcache/core';
import { afterAll, describe, expect, it } from 'vitest';
import { hasBinary, type RunningServer, startRedis } from '../support/servers.js';
import { redisUrl } from '../support/test-servers.js';
import {
  expectDegradedThenOpen,
  expectRecovery,
  serviceWithShortBreaker,
  storeBeforeOutage,
} from './support/outage.js';

// Needs its own redis-server (it is stopped mid-test): only where the binary exists.
const runnable = redisUrl() !== undefined && hasBinary('redis-server');

describe.skipIf(!runnable)('Redis outage: degrade, open the circuit, recover after a restart', () => {
  let server: RunningServer | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  it('keeps serving through a stop and a restart on the same port', async () => {
    server = await startRedis();
    const port = server.port;
    const { cache, codes } = serviceWithShortBreaker(new RedisBackend({ url: `redis://127.0.0.1:${port}` }));
    await storeBeforeOutage(cache, 'present', 'value');
    expect(await cache.health()).toMatchObject({ backend: 'redis', healthy: true, circuit: 'closed' });

    await server.stop();
    await expectDegradedThenOpen(cache, codes);

    server = await startRedis(port);
    await expectRecovery(cache);
    await cache.close();
    await server.stop();
  });

  it('times out on a server that stops answering (SIGSTOP), then recovers (SIGCONT)', async () => {
    server = await startRedis();
    const { cache, codes } = serviceWithShortBreaker(
      new RedisBackend({ url: `redis://127.0.0.1:${server.port}` }),
    );
    await storeBeforeOutage(cache, 'present', 'value');
    codes.length = 0;
    process.kill(server.pid, 'SIGSTOP');
    try {
      expect(await cache.get('present', 'fallback')).toBe('fallback');
      expect(codes).toEqual(['TIMEOUT']);
      // The fleet lock cannot be taken either (it times out too): the loader runs anyway.
      expect(await cache.getOrSet('cold', async () => 'loaded')).toBe('loaded');
      expect(codes.length).toBeGreaterThan(1);
      expect(codes.every((code) => code === 'TIMEOUT' || code === 'CIRCUIT_OPEN')).toBe(true);
    } finally {
      process.kill(server.pid, 'SIGCONT');
    }
    await expectRecovery(cache);
    expect(await cache.get('present')).toBe('value');
    await cache.close();
    await server.stop();
  });
});
