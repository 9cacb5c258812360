import { CacheService, CacheUsageError, MemoryBackend, RedisBackend } from '@tagcache/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisUrl } from '../../../../test/support/test-servers.js';

const url = redisUrl();

/** TTLs that would round to 0 ms (written without expiry, never readable) or overflow the header. */
const SUB_MILLISECOND = [0.0004, '0.4ms', '0.0001s'] as const;
const TOO_LONG = [1e13, 3_651 * 86_400, '3651d', '1000000000h'] as const;

const backends = [
  ['memory', () => new MemoryBackend()],
  ...(url ? ([['redis', () => new RedisBackend({ url })]] as const) : []),
] as const;

describe.each(backends)('TTL edge values on %s', (name, create) => {
  const prefix = `ttl-edges-${Date.now()}:`;
  const cache = new CacheService({ backend: create(), prefix });
  afterAll(async () => {
    await cache.close();
  });

  it.each([...SUB_MILLISECOND, ...TOO_LONG])(
    'ttl %j is refused with CacheUsageError naming ttl, and nothing is written',
    async (ttl) => {
      const key = `k-${String(ttl)}`;
      const set = cache.set(key, 'v', { ttl: ttl as never });
      await expect(set).rejects.toThrow(CacheUsageError);
      await expect(set).rejects.toThrow(/^ttl: /);
      await expect(cache.getOrSet(key, () => 'v', { ttl: ttl as never })).rejects.toThrow(/^ttl: /);
      await expect(cache.set(key, 'v', { ttl: 60, grace: ttl as never })).rejects.toThrow(/^grace: /);
      if (name === 'redis') {
        const raw = new Redis(url!);
        // -2: no such key (today's code wrote it with no expiry: -1, or a header the reader refuses).
        expect(await raw.pttl(`${prefix}|${key}`)).toBe(-2);
        expect(await raw.pttl(`${prefix}${key}`)).toBe(-2);
        await raw.quit();
      }
      expect(await cache.get(key)).toBeUndefined();
    },
  );

  it('1 ms and 10 years are accepted; an entry of 10 years is readable', async () => {
    expect(await cache.set('short', 'v', { ttl: '1ms' })).toBe(true);
    expect(await cache.set('long', 'v', { ttl: '3650d' })).toBe(true);
    expect(await cache.get('long')).toBe('v');
    if (name === 'redis') {
      const raw = new Redis(url!);
      const keys = await raw.keys(`${prefix}*long`);
      expect(keys).toHaveLength(1);
      expect(await raw.pttl(keys[0]!)).toBeGreaterThan(3_649 * 86_400_000);
      await raw.quit();
    }
  });

  it('defaultTtl is checked the same way at construction', () => {
    for (const defaultTtl of [0.0004, 1e13]) {
      expect(() => new CacheService({ backend: new MemoryBackend(), defaultTtl })).toThrow(/^defaultTtl: /);
    }
  });
});
