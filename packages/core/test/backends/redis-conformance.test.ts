import { RedisBackend } from '@tagcache/core';
import { backendConformanceSuite } from '@tagcache/core/testing';
import { describe } from 'vitest';
import { redisClusterNodes, redisUrl } from '../../../../test/support/test-servers.js';

const url = redisUrl();
const clusterNodes = redisClusterNodes();

describe.skipIf(!url)('redis', () => {
  backendConformanceSuite({ name: 'redis', create: () => new RedisBackend({ url }) });
});

describe.skipIf(!clusterNodes)('redis cluster', () => {
  backendConformanceSuite({ name: 'redis cluster', create: () => new RedisBackend({ clusterNodes }) });
});
