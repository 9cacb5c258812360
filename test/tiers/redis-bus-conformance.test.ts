import { RedisBus } from '@tagcache/core/backend';
import { busConformanceSuite } from '@tagcache/core/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { TcpProxy } from '../fault/support/tcp-proxy.js';
import { redisClusterNodes, redisUrl } from '../support/test-servers.js';

const url = redisUrl();
const clusterNodes = redisClusterNodes();

describe.skipIf(!url)('RedisBus on one node', () => {
  // b reaches Redis through a proxy that can drop its connections (and refuse new ones).
  let proxy: TcpProxy;
  beforeAll(async () => {
    proxy = await TcpProxy.start(Number(new URL(url!).port));
  });
  afterAll(async () => {
    await proxy?.close();
  });
  busConformanceSuite({
    name: 'RedisBus',
    create: () => {
      proxy.setMode('pass');
      const channel = `bus-conformance-${Date.now()}-${Math.random()}`;
      return {
        a: new RedisBus({ url: url!, channel }),
        b: new RedisBus({ url: `redis://127.0.0.1:${proxy.port}`, channel }),
        disconnect: () => proxy.setMode('drop'),
        reconnect: () => proxy.setMode('pass'),
      };
    },
  });
});

describe.skipIf(!clusterNodes)('RedisBus on a Redis Cluster', () => {
  busConformanceSuite({
    name: 'RedisBus (Cluster)',
    create: () => {
      const channel = `bus-conformance-${Date.now()}-${Math.random()}`;
      return { a: new RedisBus({ clusterNodes, channel }), b: new RedisBus({ clusterNodes, channel }) };
    },
  });
});
