import { CacheService, CacheUsageError, MemcachedBackend, MemoryBackend, RedisBackend } from '@tagcache/core';
import { RedisBus } from '@tagcache/core/backend';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { hasBinary, startRedis } from '../support/servers.js';
import { memcachedServers, redisUrl } from '../support/test-servers.js';

const url = redisUrl();
const memcached = memcachedServers();

/** Polls `condition` (every 10 ms, up to 10 s): behaviour, never a duration, is asserted. */
async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`never happened: ${what}`);
}

function usageError(build: () => unknown): CacheUsageError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(CacheUsageError);
    return error as CacheUsageError;
  }
  throw new Error('expected a CacheUsageError');
}

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((close) => close()));
});

describe('an l1 without a possible bus is refused at construction, saying why', () => {
  it('on the memory backend (in-process already)', () => {
    const error = usageError(
      () => new CacheService({ backend: new MemoryBackend(), l1: { maxEntries: 10 } }),
    );
    expect(error.field).toBe('l1');
    expect(error.message).toMatch(/in-process already/);
  });

  it('on memcached without `bus`', () => {
    const backend = new MemcachedBackend({ servers: '127.0.0.1:1' });
    const error = usageError(() => new CacheService({ backend, l1: { maxEntries: 10 } }));
    expect(error.field).toBe('bus');
    expect(error.message).toMatch(/cannot carry invalidations.*bus: \{ url/);
  });

  it('a `bus` without `l1`, or without a way to reach Redis', () => {
    const backend = new RedisBackend({ url: 'redis://127.0.0.1:1' });
    expect(usageError(() => new CacheService({ backend, bus: { url: 'redis://127.0.0.1:1' } })).field).toBe(
      'bus',
    );
    expect(usageError(() => new CacheService({ backend, l1: {}, bus: { channel: 'x' } })).field).toBe('bus');
    expect(usageError(() => new RedisBus({ timeoutMs: 0 })).field).toBe('bus.timeoutMs');
  });
});

describe.skipIf(!url)('a service with an l1 on Redis', () => {
  it('uses a bus on the same server by default, reports it in health(), and releases it in close()', async () => {
    const name = `l1-default-bus-${Date.now()}`;
    const admin = new Redis(url!);
    closing.push(async () => admin.disconnect());
    const connections = async (): Promise<number> =>
      String(await admin.client('LIST'))
        .split('\n')
        .filter((line) => line.includes(`name=${name}`)).length;
    const cache = new CacheService({
      backend: new RedisBackend({ url: url!, redisOptions: { connectionName: name } }),
      prefix: `${name}:`,
      l1: { maxEntries: 100 },
    });
    expect(await connections()).toBe(0); // nothing before the first use
    await cache.set('k', 'v');
    await until(async () => (await cache.health()).bus === 'connected', 'bus connected');
    expect(await connections()).toBe(2); // the backend's connection (it publishes too) and the subscriber
    expect(await cache.get('k')).toBe('v');
    await cache.close();
    await until(async () => (await connections()) === 0, 'every connection closed');
  });

  it('stats() separates L1 hits, L2 hits and misses', async () => {
    const prefix = `l1-stats-${Date.now()}:`;
    const cache = new CacheService({
      backend: new RedisBackend({ url: url! }),
      prefix,
      l1: {},
    });
    closing.push(() => cache.close());
    const other = new CacheService({
      backend: new RedisBackend({ url: url! }),
      prefix,
    });
    closing.push(() => other.close());
    await until(async () => (await cache.health()).bus === 'connected', 'bus connected');
    expect(await cache.get('absent')).toBeUndefined();
    await other.set('k', 'v'); // in Redis only
    expect(await cache.get('k')).toBe('v'); // from L2, into L1
    expect(await cache.get('k')).toBe('v'); // from L1
    expect(await cache.get('k')).toBe('v');
    expect(cache.stats()).toMatchObject({ hits: 3, l1Hits: 2, l2Hits: 1, misses: 1 });
  });
});

describe.skipIf(!url || !hasBinary('redis-server'))('bus events', () => {
  it('bus-disconnect and bus-reconnect mark a gap, once each; the first connection is neither', async () => {
    const server = await startRedis();
    closing.push(() => server.stop());
    const target = `redis://127.0.0.1:${server.port}`;
    const cache = new CacheService({ backend: new RedisBackend({ url: target }), l1: {} });
    closing.push(() => cache.close());
    const events: string[] = [];
    cache.on('bus-disconnect', () => events.push('disconnect'));
    cache.on('bus-reconnect', () => events.push('reconnect'));
    await until(async () => (await cache.health()).bus === 'connected', 'bus connected');
    expect(events).toEqual([]);
    const admin = new Redis(target);
    await admin.client('KILL', 'TYPE', 'pubsub');
    admin.disconnect();
    await until(() => events.length === 2, 'the gap');
    expect(events).toEqual(['disconnect', 'reconnect']);
    expect((await cache.health()).bus).toBe('connected');
  });
});

describe.skipIf(!url)('L1 memory bounds', () => {
  it('keeps at most maxEntries entries and maxBytes bytes, whatever is read', async () => {
    const prefix = `l1-bounds-${Date.now()}:`;
    const cache = new CacheService({
      backend: new RedisBackend({ url: url! }),
      prefix,
      l1: { maxEntries: 50, maxBytes: 40_000 },
    });
    closing.push(() => cache.close());
    await until(async () => (await cache.health()).bus === 'connected', 'bus connected');
    const value = (i: number): string => `${i}:${'x'.repeat(i % 2 === 0 ? 100 : 2_000)}`;
    let over = 0;
    for (let i = 0; i < 1_000; i++) {
      await cache.set(`k${i}`, value(i), { tags: [`t${i % 7}`] });
      expect(await cache.get(`k${i}`)).toBe(value(i));
      const { l1 } = await cache.health();
      if (l1 === undefined || l1.entries > 50 || l1.bytes > 40_000) over++;
    }
    expect(over).toBe(0);
    const { l1 } = await cache.health();
    expect(l1!.entries).toBeGreaterThan(0);
    const hits = cache.stats().l1Hits;
    expect(await cache.get('k999')).toBe(value(999)); // the most recent is still in the L1
    expect(cache.stats().l1Hits).toBe(hits + 1);
  });
});

describe.skipIf(!url || !memcached)('a service with an l1 on memcached', () => {
  it('takes `bus: { url }` of a Redis', async () => {
    const cache = new CacheService({
      backend: new MemcachedBackend({ servers: memcached! }),
      prefix: `l1-memcached-${Date.now()}:`,
      l1: {},
      bus: { url: url! },
    });
    closing.push(() => cache.close());
    await until(async () => (await cache.health()).bus === 'connected', 'bus connected');
    await cache.set('k', 'v');
    expect(await cache.get('k')).toBe('v');
  });
});
