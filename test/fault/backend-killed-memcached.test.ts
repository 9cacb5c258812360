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
});
