import { MemcachedBackend } from '@tagcache/core';
import { afterAll, describe, expect, it } from 'vitest';
import { hasBinary, type RunningServer, startMemcached } from '../support/servers.js';
import { memcachedServers } from '../support/test-servers.js';
import {
  expectDegradedThenOpen,
  expectRecovery,
  serviceWithShortBreaker,
  storeBeforeOutage,
} from './support/outage.js';

// Needs its own memcached (it is stopped mid-test): only where the binary exists.
const runnable = memcachedServers() !== undefined && hasBinary('memcached');

describe.skipIf(!runnable)('memcached outage: degrade, open the circuit, recover after a restart', () => {
  let server: RunningServer | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  it('keeps serving through a stop and a restart on the same port', async () => {
    server = await startMemcached();
    const port = server.port;
    const { cache, codes } = serviceWithShortBreaker(new MemcachedBackend({ servers: `127.0.0.1:${port}` }));
    await storeBeforeOutage(cache, 'present', 'value');
    expect(await cache.health()).toMatchObject({ backend: 'memcached', healthy: true, circuit: 'closed' });

    await server.stop();
    await expectDegradedThenOpen(cache, codes);

    server = await startMemcached(port);
    await expectRecovery(cache);
    await cache.close();
  });
});
