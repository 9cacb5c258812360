import { CacheService, MemcachedBackend, type MemjsClient } from '@tagcache/core';
import memjs from 'memjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memcachedServers } from '../../../../test/support/test-servers.js';
import { memcachedExpiry, memcachedKey } from '../../src/backends/memcached/memcached-keys.js';
import { RequestWaves } from './request-waves.js';

const servers = memcachedServers();
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('memcached keys and expiries', () => {
  it('keeps safe keys and hashes long or unsafe ones, with a readable prefix', () => {
    expect(memcachedKey('user:42')).toBe('user:42');
    expect(memcachedKey('ünï:42')).toBe('ünï:42');
    const spaced = memcachedKey('user name 42');
    expect(spaced).toMatch(/^user_name_42#~[\w-]{22}$/);
    const long = memcachedKey(`p:${'x'.repeat(300)}`);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(250);
    expect(long.startsWith('p:xxx')).toBe(true);
    expect(memcachedKey(`p:${'x'.repeat(300)}y`)).not.toBe(long);
    // A plain key can never look like a hashed one.
    expect(memcachedKey(spaced)).not.toBe(spaced);
    expect(Buffer.byteLength(memcachedKey('é'.repeat(200)))).toBeLessThanOrEqual(250);
  });

  it('converts ms to whole seconds, and beyond 30 days to a unix time', () => {
    expect(memcachedExpiry(undefined)).toBe(0);
    expect(memcachedExpiry(0)).toBe(0);
    expect(memcachedExpiry(1)).toBe(1);
    expect(memcachedExpiry(1_500)).toBe(2);
    expect(memcachedExpiry(30 * 86_400_000)).toBe(30 * 86_400);
    const now = 1_700_000_000_000;
    expect(memcachedExpiry(31 * 86_400_000, now)).toBe(1_700_000_000 + 31 * 86_400);
  });
});

describe.skipIf(!servers)('MemcachedBackend against a real server', () => {
  let backend: MemcachedBackend;
  beforeAll(() => {
    backend = new MemcachedBackend({ servers, maxItemSize: 64 * 1024 });
  });
  afterAll(async () => {
    await backend?.close();
  });

  it('refuses values over the item size before sending, and keeps what was stored', async () => {
    const key = `big-${Date.now()}`;
    expect((await backend.set(key, bytes('small'), 60_000)).ok).toBe(true);
    const result = await backend.set(key, new Uint8Array(64 * 1024), 60_000);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('VALUE_TOO_LARGE');
    const added = await backend.add(`${key}-add`, new Uint8Array(64 * 1024), 60_000);
    expect(!added.ok && added.error.code).toBe('VALUE_TOO_LARGE');
    const read = await backend.get(key);
    expect(read.ok && new TextDecoder().decode(read.value)).toBe('small');
  });

  it('says why deletePattern is not supported', async () => {
    const result = await backend.deletePattern('user:*');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('NOT_SUPPORTED');
      expect(result.error.message).toMatch(/cannot .*list/);
    }
  });

  it('decrements stop at zero', async () => {
    const key = `dec-${Date.now()}`;
    expect(await backend.incr(key, 3, 60_000)).toEqual({ ok: true, value: 3 });
    expect(await backend.incr(key, -5, 60_000)).toEqual({ ok: true, value: 0 });
  });

  it('health names every server with its version', async () => {
    const cache = new CacheService({ backend: new MemcachedBackend({ servers }) });
    const health = await cache.health();
    expect(health).toMatchObject({ backend: 'memcached', healthy: true, circuit: 'closed' });
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);
    expect(String((health.details?.servers as string[] | undefined)?.[0])).toMatch(/^127\.0\.0\.1:\d+ 1\./);
    await cache.close();
  });

  it('fails with CONNECTION when nothing listens, and never throws', async () => {
    const dead = new MemcachedBackend({ servers: '127.0.0.1:1' });
    const read = await dead.get('k');
    expect(!read.ok && read.error.code).toBe('CONNECTION');
    expect((await dead.set('k', bytes('v'))).ok).toBe(false);
    expect((await dead.health()).ok).toBe(false);
    await dead.close();
  });

  it('a tagged get is one round trip once the tag names are known, two before', async () => {
    const waves = new RequestWaves();
    const client = memjs.Client.create(servers!, { logger: { log: () => {} } });
    const counted = waves.wrap(client as unknown as MemjsClient, ['get']);
    const prefix = `mrt-${Date.now()}:`;
    const cache = new CacheService({ backend: new MemcachedBackend({ client: counted }), prefix });
    await cache.set('order:1', { total: 3 }, { tags: ['orders', 'customer:9'], ttl: 60 });
    waves.reset();
    expect(await cache.get('order:1')).toEqual({ total: 3 });
    expect(waves.requests).toHaveLength(3);
    expect(waves.roundTrips()).toBe(1);
    const fresh = new CacheService({ backend: new MemcachedBackend({ client: counted }), prefix });
    waves.reset();
    expect(await fresh.get('order:1')).toEqual({ total: 3 });
    expect(waves.requests).toHaveLength(3);
    expect(waves.roundTrips()).toBe(2);
    await cache.invalidateTags(['customer:9']);
    waves.reset();
    expect(await fresh.get('order:1')).toBeUndefined();
    expect(waves.roundTrips()).toBe(1);
    await cache.set('plain', 'p', { ttl: 60 });
    waves.reset();
    expect(await cache.get('plain')).toBe('p');
    expect(waves.requests).toHaveLength(1);
    await fresh.close();
    await cache.close();
    client.close();
  });
});
