import { CacheService, RedisBackend } from '@tagcache/core';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisClusterNodes } from '../../../../test/support/test-servers.js';
import { parseHostPort } from '../../src/backends/redis/redis-client.js';
import { RequestWaves } from './request-waves.js';

const clusterNodes = redisClusterNodes();
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe.skipIf(!clusterNodes)('RedisBackend on a 3-master Redis Cluster', () => {
  let backend: RedisBackend;
  beforeAll(async () => {
    backend = new RedisBackend({ clusterNodes });
    await backend.health();
  });
  afterAll(async () => {
    await backend?.close();
  });

  it('talks to a cluster of three masters', async () => {
    const health = await backend.health();
    expect(health.ok && health.value.details).toEqual({ mode: 'cluster', masters: 3 });
    expect(backend.isCluster).toBe(true);
  });

  it('deletePattern scans every master', async () => {
    const ns = `cdp-${Date.now()}:`;
    const keys = Array.from({ length: 60 }, (_, i) => `${ns}k${i}`);
    for (const key of keys) expect((await backend.set(key, bytes('v'), 60_000)).ok).toBe(true);
    // The keys really are spread: every master holds some.
    const cluster = backend.client as Cluster;
    const perMaster = await Promise.all(
      cluster
        .nodes('master')
        .map(async (node) => (await node.scan('0', 'MATCH', `${ns}*`, 'COUNT', 1000))[1]),
    );
    expect(perMaster.every((found) => found.length > 0)).toBe(true);
    expect(await backend.deletePattern(`${ns}*`)).toEqual({ ok: true, value: 60 });
    const left = await backend.getMany(keys);
    expect(left.ok && left.value.every((v) => v === undefined)).toBe(true);
  });

  it('tags work across slots: invalidated in one service, a miss in another', async () => {
    const prefix = `cl-${Date.now()}:`;
    const other = new RedisBackend({ clusterNodes });
    const a = new CacheService({ backend, prefix });
    const b = new CacheService({ backend: other, prefix });
    await a.set('order:1', { total: 3 }, { tags: ['orders', 'customer:9'], ttl: 60 });
    expect(await b.get('order:1')).toEqual({ total: 3 });
    await b.invalidateTags(['customer:9']);
    expect(await a.get('order:1')).toBeUndefined();
    await other.close();
  });

  it('getOrSet runs one loader across two services under the cluster lock', async () => {
    const prefix = `clk-${Date.now()}:`;
    const other = new RedisBackend({ clusterNodes });
    const a = new CacheService({ backend, prefix });
    const b = new CacheService({ backend: other, prefix });
    let loads = 0;
    const loader = async (): Promise<string> => {
      loads++;
      await new Promise((resolve) => setTimeout(resolve, 150));
      return 'value';
    };
    const values = await Promise.all([
      a.getOrSet('cold', loader, { ttl: 60 }),
      b.getOrSet('cold', loader, { ttl: 60 }),
    ]);
    expect(values).toEqual(['value', 'value']);
    expect(loads).toBe(1);
    await other.close();
  });

  it('reads a tagged entry and its tag versions (other slots) in one round trip once the names are known', async () => {
    const waves = new RequestWaves();
    const client = new Cluster(clusterNodes!.map(parseHostPort), { enableAutoPipelining: true });
    const counted = waves.wrap(client, ['getBuffer', 'mgetBuffer', 'evalshaBuffer']);
    const prefix = `crt-${Date.now()}:`;
    const cache = new CacheService({ backend: new RedisBackend({ client: counted }), prefix });
    const tags = ['orders', 'customer:9', 'region:eu'];
    await cache.set('order:1', { total: 3 }, { tags, ttl: 60 });
    waves.reset();
    expect(await cache.get('order:1')).toEqual({ total: 3 });
    expect(waves.requests.map((r) => r.method)).toEqual(Array(4).fill('getBuffer'));
    expect(waves.roundTrips()).toBe(1);
    // A service that has not seen the key: the entry first, then its tags; then one round trip.
    const fresh = new CacheService({ backend: new RedisBackend({ client: counted }), prefix });
    waves.reset();
    expect(await fresh.get('order:1')).toEqual({ total: 3 });
    expect(waves.requests).toHaveLength(4);
    expect(waves.roundTrips()).toBe(2);
    waves.reset();
    expect(await fresh.get('order:1')).toEqual({ total: 3 });
    expect(waves.roundTrips()).toBe(1);
    await cache.invalidateTags(['region:eu']);
    waves.reset();
    expect(await fresh.get('order:1')).toBeUndefined();
    expect(waves.roundTrips()).toBe(1);
    await fresh.close();
    await cache.close();
    client.disconnect();
  });
});
