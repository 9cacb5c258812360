import { CacheService, RedisBackend } from '@tagcache/core';
import { INTERNAL_KEY_PREFIX } from '@tagcache/core/backend';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandCounter } from '../../../../test/support/command-counter.js';
import { type RunningServer, startRedis } from '../../../../test/support/servers.js';
import { redisUrl } from '../../../../test/support/test-servers.js';
import { MgetBatcher } from '../../src/backends/redis/mget-batcher.js';

const url = redisUrl();
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe.skipIf(!url)('RedisBackend against a real server', () => {
  it('shares tags between services: invalidated in one, a miss in the other', async () => {
    const prefix = `share-${Date.now()}:`;
    const a = new CacheService({ backend: new RedisBackend({ url }), prefix });
    const b = new CacheService({ backend: new RedisBackend({ url }), prefix });
    try {
      expect(await a.set('product:1', { name: 'Lamp' }, { tags: ['products'], ttl: 60 })).toBe(true);
      expect(await b.get('product:1')).toEqual({ name: 'Lamp' });
      expect(await a.invalidateTags(['products'])).toBe(true);
      expect(await b.get('product:1')).toBeUndefined();
      expect(await a.get('product:1')).toBeUndefined();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('uses an injected client without closing it', async () => {
    const client = new Redis(url!);
    const backend = new RedisBackend({ client });
    expect((await backend.set('injected', bytes('x'), 10_000)).ok).toBe(true);
    await backend.close();
    expect(client.status).toBe('ready');
    expect(await client.get('injected')).toBe('x');
    await client.quit();
  });

  it('fails fast with CONNECTION when nothing listens, and never throws', async () => {
    const backend = new RedisBackend({ url: 'redis://127.0.0.1:1' });
    const read = await backend.get('k');
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error.code).toBe('CONNECTION');
    const health = await backend.health();
    expect(health.ok).toBe(false);
    await backend.close();
  });

  it('health reports the latency and the mode', async () => {
    const backend = new RedisBackend({ url });
    const cache = new CacheService({ backend });
    const health = await cache.health();
    expect(health).toMatchObject({ backend: 'redis', healthy: true, circuit: 'closed' });
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);
    expect(health.details).toMatchObject({ mode: 'single' });
    await cache.close();
  });

  it('deletePattern escapes Redis glob syntax and skips internal keys', async () => {
    const backend = new RedisBackend({ url, scanCount: 7 });
    const ns = `dp-${Date.now()}:`;
    for (let i = 0; i < 40; i++) await backend.set(`${ns}item:${i}`, bytes('v'), 60_000);
    await backend.set(`${ns}item:[x]`, bytes('v'), 60_000);
    await backend.set(`${INTERNAL_KEY_PREFIX}t:${ns}item:0`, bytes('tag'), 60_000);
    const removed = await backend.deletePattern(`${ns}item:*`);
    expect(removed).toEqual({ ok: true, value: 41 });
    expect((await backend.get(`${INTERNAL_KEY_PREFIX}t:${ns}item:0`)).ok).toBe(true);
    expect(await backend.deletePattern(`${INTERNAL_KEY_PREFIX}*`)).toEqual({ ok: true, value: 0 });
    await backend.delete(`${INTERNAL_KEY_PREFIX}t:${ns}item:0`);
    await backend.close();
  });
});

describe.skipIf(!url)('RedisBackend round trips (MONITOR on a server of its own)', () => {
  let server: RunningServer;
  let ownUrl: string;
  let counter: CommandCounter;
  let cache: CacheService;

  beforeAll(async () => {
    server = await startRedis();
    ownUrl = `redis://127.0.0.1:${server.port}`;
    counter = await CommandCounter.start(ownUrl);
    cache = new CacheService({ backend: new RedisBackend({ url: ownUrl }), prefix: 'rt:' });
  });
  afterAll(async () => {
    await cache?.close();
    counter?.stop();
    await server?.stop();
  });

  const names = async (): Promise<string[]> =>
    (await counter.settle()).commands.map((c) => c[0]!.toLowerCase());

  it('reads a tagged entry it wrote and all its tag versions with one MGET (no Lua)', async () => {
    await cache.set('user:1', { id: 1 }, { tags: ['users', 'user:1', 'team:7'], ttl: 60 });
    await counter.reset();
    expect(await cache.get('user:1')).toEqual({ id: 1 });
    const { commands, scripted } = await counter.settle();
    expect(commands.map((c) => c[0]!.toLowerCase())).toEqual(['mget']);
    expect(commands[0]).toEqual([
      'mget',
      'rt:|user:1',
      ...['users', 'user:1', 'team:7'].map((t) => `__tc:t:rt:|${t}`),
    ]);
    expect(scripted).toEqual([]);
  });

  it('a service that never saw the key reads it with the Lua script in one round trip, then with MGET', async () => {
    const fresh = new CacheService({ backend: new RedisBackend({ url: ownUrl }), prefix: 'rt:' });
    await fresh.get('warm-up'); // connects and loads the script (a miss)
    await counter.reset();
    expect(await fresh.get('user:1')).toEqual({ id: 1 });
    const { commands, scripted } = await counter.settle();
    expect(commands.map((c) => c[0]!.toLowerCase())).toEqual(['evalsha']);
    // Inside the script: the entry, then every tag version with one MGET.
    expect(scripted.map((c) => c[0]!.toLowerCase())).toEqual(['get', 'mget']);
    expect(scripted[1]).toHaveLength(4);
    await counter.reset();
    expect(await fresh.get('user:1')).toEqual({ id: 1 });
    expect(await names()).toEqual(['mget']);
    await fresh.close();
  });

  it('getOrSet hits with the caller’s tags as the hint: one MGET, even from a fresh service', async () => {
    const fresh = new CacheService({ backend: new RedisBackend({ url: ownUrl }), prefix: 'rt:' });
    await fresh.get('warm-up');
    await counter.reset();
    const loader = (): never => {
      throw new Error('must not load');
    };
    expect(await fresh.getOrSet('user:1', loader, { tags: ['users', 'user:1', 'team:7'] })).toEqual({
      id: 1,
    });
    expect(await names()).toEqual(['mget']);
    await fresh.close();
  });

  it('an untagged entry is one MGET of its key alone', async () => {
    await cache.set('plain', 'p', { ttl: 60 });
    await counter.reset();
    expect(await cache.get('plain')).toBe('p');
    const { commands } = await counter.settle();
    expect(commands).toEqual([['mget', 'rt:|plain']]);
  });

  it('concurrent reads share one MGET, shared tag keys asked once', async () => {
    for (let i = 0; i < 20; i++) await cache.set(`p:${i}`, i, { tags: ['products', `p:${i}`], ttl: 60 });
    await counter.reset();
    const values = await Promise.all(Array.from({ length: 20 }, (_, i) => cache.get(`p:${i}`)));
    expect(values).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const { commands } = await counter.settle();
    expect(commands.map((c) => c[0])).toEqual(['mget']);
    // 20 entries, 20 own tags, 1 shared tag.
    expect(commands[0]).toHaveLength(1 + 41);
  });

  it('an entry rewritten elsewhere with other tags costs one more read, and is checked in full', async () => {
    const other = new CacheService({ backend: new RedisBackend({ url: ownUrl }), prefix: 'rt:' });
    await other.set('moving', 'v1', { tags: ['a'], ttl: 60 });
    expect(await cache.get('moving')).toBe('v1'); // this service now expects ['a']
    await other.set('moving', 'v2', { tags: ['a', 'b'], ttl: 60 });
    await counter.reset();
    expect(await cache.get('moving')).toBe('v2');
    // The hinted MGET (entry + a), then the version of 'b', which the hint lacked.
    expect(await names()).toEqual(['mget', 'mget']);
    await other.invalidateTags(['b']);
    await counter.reset();
    expect(await cache.get('moving')).toBeUndefined();
    expect(await names()).toEqual(['mget']);
    await other.close();
  });

  it('a tagged read stays one round trip after an invalidation (and is a miss)', async () => {
    await cache.invalidateTags(['team:7']);
    await counter.reset();
    expect(await cache.get('user:1')).toBeUndefined();
    expect(await names()).toEqual(['mget']);
  });

  it('a batch past maxKeys is split into several MGETs, each read answered in its order', async () => {
    const client = new Redis(ownUrl);
    await client.set('b:1', 'one');
    const batcher = new MgetBatcher(client, 3);
    await counter.reset();
    const reads = await Promise.all([
      batcher.get(['b:1', 'b:2']),
      batcher.get(['b:2', 'b:1']),
      batcher.get(['b:3', 'b:4']),
      batcher.get(['b:1']),
    ]);
    expect(reads.map((r) => r.map((v) => v?.toString() ?? null))).toEqual([
      ['one', null],
      [null, 'one'],
      [null, null],
      ['one'],
    ]);
    const { commands } = await counter.settle();
    // A read joins a batch while the batch's keys plus all of its own stay within maxKeys.
    expect(commands).toEqual([
      ['mget', 'b:1', 'b:2'],
      ['mget', 'b:2', 'b:1'],
      ['mget', 'b:3', 'b:4', 'b:1'],
    ]);
    client.disconnect();
    await expect(batcher.get(['b:1'])).rejects.toThrow();
  });

  it('getMany is one MGET', async () => {
    const backend = new RedisBackend({ url: ownUrl });
    await backend.get('warm-up');
    await counter.reset();
    const read = await backend.getMany(['a', 'b', 'c', 'd', 'e']);
    expect(read.ok && read.value).toEqual([undefined, undefined, undefined, undefined, undefined]);
    const { commands } = await counter.settle();
    expect(commands.map((c) => c[0]?.toLowerCase())).toEqual(['mget']);
    await backend.close();
  });
});
