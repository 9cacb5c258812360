import { RedisBackend } from '@tagcache/core';
import { describe, it } from 'vitest';
import { hasBinary, startRedis } from '../support/servers.js';
import { redisUrl } from '../support/test-servers.js';
import { killUnderLoad } from './support/backend-killed.js';
import { expectSurvived } from './support/backend-killed-assert.js';
import { FRAMEWORKS } from './support/http-harness.js';

// Needs a redis-server of its own (stopped mid-run): only where the binary exists.
const runnable = redisUrl() !== undefined && hasBinary('redis-server');

describe.skipIf(!runnable)('redis-server stopped and restarted under HTTP load', () => {
  for (const framework of FRAMEWORKS) {
    it(`${framework}: no failed request, uncached during the outage, hits again after the restart`, async () => {
      const outcome = await killUnderLoad({
        framework,
        start: (port) => startRedis(port),
        backend: (port) => new RedisBackend({ url: `redis://127.0.0.1:${port}`, lock: { timeoutMs: 250 } }),
      });
      expectSurvived(`redis/${framework}`, outcome);
    }, 60_000);
  }

  // Issue 14: with the default settings (10 s cool-down), hits resume as soon as the client
  // reconnects. The bounded attempts after the restart (100, 50 ms apart) end well inside the
  // cool-down, so `recovered` holds only because the connection signal half-opened the circuit.
  it('express, default resilience settings: hits resume after the restart, no failed request', async () => {
    const outcome = await killUnderLoad({
      framework: 'express',
      start: (port) => startRedis(port),
      backend: (port) => new RedisBackend({ url: `redis://127.0.0.1:${port}`, lock: { timeoutMs: 250 } }),
      resilience: 'default',
    });
    expectSurvived('redis/express/defaults', outcome);
  }, 60_000);
});
