import { MemcachedBackend } from '@tagcache/core';
import { backendConformanceSuite } from '@tagcache/core/testing';
import { describe } from 'vitest';
import { memcachedServers } from '../../../../test/support/test-servers.js';

const servers = memcachedServers();

describe.skipIf(!servers)('memcached', () => {
  // Memcached's clock ticks once a second: a TTL of 2 s ends between 1 and 2 s after the write.
  backendConformanceSuite({
    name: 'memcached',
    create: () => new MemcachedBackend({ servers }),
    minTtlMs: 2_000,
    ttlSlackMs: 1_100,
  });
});
