import { MemcachedBackend } from '@tagcache/core';
import { describe, it } from 'vitest';
import { hasBinary, startMemcached } from '../support/servers.js';
import { memcachedServers } from '../support/test-servers.js';
import { killUnderLoad } from './support/backend-killed.js';
import { expectSurvived } from './support/backend-killed-assert.js';
import { FRAMEWORKS } from './support/http-harness.js';

// Needs a memcached of its own (stopped mid-run): only where the binary exists.
const runnable = memcachedServers() !== undefined && hasBinary('memcached');

describe.skipIf(!runnable)('memcached stopped and restarted under HTTP load', () => {
  for (const framework of FRAMEWORKS) {
    it(`${framework}: no failed request, uncached during the outage, hits again after the restart`, async () => {
      const outcome = await killUnderLoad({
        framework,
        start: (port) => startMemcached(port),
        backend: (port) => new MemcachedBackend({ servers: `127.0.0.1:${port}` }),
      });
      expectSurvived(`memcached/${framework}`, outcome);
    }, 60_000);
  }

  // Issue 14: with the default settings (10 s cool-down), hits resume as soon as the client
  // reconnects. The bounded attempts after the restart (100, 50 ms apart) end well inside the
  // cool-down, so `recovered` holds only because the connection signal half-opened the circuit.
  it('express, default resilience settings: hits resume after the restart, no failed request', async () => {
    const outcome = await killUnderLoad({
      framework: 'express',
      start: (port) => startMemcached(port),
      backend: (port) => new MemcachedBackend({ servers: `127.0.0.1:${port}` }),
      resilience: 'default',
    });
    expectSurvived('memcached/express/defaults', outcome);
  }, 60_000);
});
