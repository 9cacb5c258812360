import {
  type CacheBackend,
  CacheService,
  CacheUsageError,
  createCaches,
  MemcachedBackend,
  MemoryBackend,
  RedisBackend,
} from '@tagcache/core';
import { afterAll, describe, expect, it } from 'vitest';
import { memcachedServers, redisUrl } from '../../../../test/support/test-servers.js';

const redis = redisUrl();
const memcached = memcachedServers();
const run = Date.now().toString(36);

const backends: [string, () => CacheBackend][] = [
  ['memory', () => new MemoryBackend()],
  ...(redis ? [['redis', () => new RedisBackend({ url: redis })] as [string, () => CacheBackend]] : []),
  ...(memcached
    ? [['memcached', () => new MemcachedBackend({ servers: memcached })] as [string, () => CacheBackend]]
    : []),
];

describe.each(backends)('prefixes that extend each other never collide (%s)', (name, create) => {
  const backend = create();
  const services: CacheService[] = [];
  const service = (prefix: string): CacheService => {
    // A generous timeout: the first command also waits for the connection on a busy machine.
    const cache = new CacheService({ backend, prefix, defaultTtl: 60, resilience: { timeout: '10s' } });
    services.push(cache);
    return cache;
  };
  afterAll(async () => {
    await backend.close();
  });

  it("'shop:' and 'shop:admin:' read only their own entries", async () => {
    const shop = service(`${run}shop:`);
    const admin = service(`${run}shop:admin:`);
    expect(await shop.set('admin:x', 'shop')).toBe(true);
    expect(await admin.get('x')).toBeUndefined();
    expect(await admin.set('x', 'admin')).toBe(true);
    expect(await shop.get('admin:x')).toBe('shop');
    expect(await admin.get('x')).toBe('admin');
  });

  it('the empty prefix and a prefix never collide either', async () => {
    const none = service('');
    const shop = service(`${run}e:`);
    expect(await shop.set('x', 'prefixed')).toBe(true);
    expect(await none.get(`${run}e:x`)).toBeUndefined();
    expect(await none.set(`${run}e:x`, 'bare')).toBe(true);
    expect(await shop.get('x')).toBe('prefixed');
  });

  it('invalidating a tag in one never touches a tag of the other', async () => {
    const shop = service(`${run}t:`);
    const admin = service(`${run}t:admin:`);
    await shop.set('page', 'shop page', { tags: ['admin:users'] });
    await admin.set('page', 'admin page', { tags: ['users'] });
    expect(await admin.invalidateTags(['users'])).toBe(true);
    expect(await shop.get('page')).toBe('shop page');
    expect(await admin.get('page')).toBeUndefined();
    await admin.set('page', 'admin page', { tags: ['users'] });
    expect(await shop.invalidateTags(['admin:users'])).toBe(true);
    expect(await admin.get('page')).toBe('admin page');
    expect(await shop.get('page')).toBeUndefined();
  });

  it("deletePattern('*') of 'shop:' leaves 'shop:admin:' alone (memcached: removes nothing)", async () => {
    const shop = service(`${run}d:`);
    const admin = service(`${run}d:admin:`);
    await shop.set('a', 1);
    await admin.set('b', 2);
    // memcached cannot list keys: deletePattern is NOT_SUPPORTED there and removes nothing.
    const removable = name === 'memcached' ? 0 : 1;
    expect(await shop.deletePattern('*')).toBe(removable);
    expect(await admin.get('b')).toBe(2);
    expect(await admin.deletePattern('*')).toBe(removable);
  });
});

describe('prefixes that could not end unambiguously are refused', () => {
  it("a prefix containing '|' (the prefix terminator) is a CacheUsageError naming prefix", () => {
    for (const prefix of ['a|b:', '|', 'shop:|']) {
      expect(() => new CacheService({ backend: new MemoryBackend(), prefix })).toThrow(CacheUsageError);
      expect(() => new CacheService({ backend: new MemoryBackend(), prefix })).toThrow(/^prefix: /);
    }
    expect(() => createCaches({ backends: [{ name: 'm', type: 'memory', prefix: 'a|' }] })).toThrow(
      /^backends\[0\]\.prefix: /,
    );
  });

  it("a prefix reaching into the service's records ('__tc:') is refused", () => {
    expect(() => new CacheService({ backend: new MemoryBackend(), prefix: '__tc:t:' })).toThrow(/^prefix: /);
  });

  it('keys may contain | and look like anything: the first | ends the prefix', async () => {
    const backend = new MemoryBackend();
    const a = new CacheService({ backend, prefix: 'a' });
    const ab = new CacheService({ backend, prefix: 'a|b'.replace('|', '') });
    await a.set('b|x', 'a');
    await ab.set('x', 'ab');
    expect(await a.get('b|x')).toBe('a');
    expect(await a.get('__tc:t:x')).toBeUndefined();
  });
});
