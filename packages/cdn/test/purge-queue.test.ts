import { inspect } from 'node:util';
import { CacheService, createCaches, MemoryBackend, PurgeError, type Purger } from '@tagcache/core';
import { afterEach, describe, expect, it } from 'vitest';
import { fastlyPurger, varnishPurger } from '../src/index.js';
import { purgingCache, tags } from './support/purging-cache.js';
import { FASTLY_OK, fastlyCheck, startVendorServer, type VendorServer } from './support/vendor-server.js';

/** The queue's behaviour, seen through real purgers talking to a local server. */
const serviceId = 'svc1';
const token = 'queue-test-token-51a7';
let server: VendorServer;

afterEach(async () => {
  await server?.close();
});

async function fastly() {
  server = await startVendorServer(fastlyCheck(serviceId, token), FASTLY_OK);
  return fastlyPurger({ serviceId, token, baseUrl: server.url });
}

const keysOf = (server: VendorServer) =>
  server.requests.map((r) => (JSON.parse(r.body) as { surrogate_keys: string[] }).surrogate_keys);

describe('purge queue', () => {
  it('invalidateTags returns while the purge is still in flight', async () => {
    const { cache, purged } = purgingCache([await fastly()]);
    const release = server.hold();
    expect(await cache.invalidateTags(['a'])).toBe(true);
    await server.arrived(1);
    expect(purged).toEqual([]); // the CDN has not answered, and the caller already has its answer
    release();
    await cache.settlePurges();
    expect(purged).toHaveLength(1);
  });

  it('coalesces: tags arriving while a request is in flight go out together, once each', async () => {
    const { cache } = purgingCache([await fastly()]);
    const release = server.hold();
    await cache.invalidateTags(['a']);
    await server.arrived(1);
    await cache.invalidateTags(['b', 'c']);
    await cache.invalidateTags(['c', 'b']);
    await cache.invalidateTags(['d']);
    release();
    await cache.settlePurges();
    expect(keysOf(server)).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('invalidations of one turn share a request', async () => {
    const { cache } = purgingCache([await fastly()]);
    await Promise.all([
      cache.invalidateTags(['a']),
      cache.invalidateTags(['b']),
      cache.invalidateTags(['a']),
    ]);
    await cache.settlePurges();
    expect(keysOf(server)).toEqual([['a', 'b']]);
  });

  it('retries 5xx and network failures with backoff, then succeeds', async () => {
    const { cache, purged, failed } = purgingCache([await fastly()]);
    server.script({ status: 503 }, { status: 500 });
    await cache.invalidateTags(['a']);
    await cache.settlePurges();
    expect(server.requests).toHaveLength(3);
    expect(failed).toEqual([]);
    expect(purged.map((p) => p.attempts)).toEqual([3]);
  });

  it('gives up after maxAttempts with one purge-error; a 4xx is not retried', async () => {
    const { cache, failed } = purgingCache([await fastly()], { maxAttempts: 3 });
    server.script({ status: 500 }, { status: 500 }, { status: 500 }, { status: 404 });
    await cache.invalidateTags(['a']);
    await cache.settlePurges();
    await cache.invalidateTags(['b']);
    await cache.settlePurges();
    expect(server.requests).toHaveLength(4);
    expect(failed.map((f) => [f.tags, f.error.status, f.attempts])).toEqual([
      [['a'], 500, 3],
      [['b'], 404, 1],
    ]);
  });

  it('a CDN that cannot be reached never fails invalidateTags: purge-error NETWORK, no credentials', async () => {
    server = await startVendorServer(() => undefined, FASTLY_OK);
    const url = server.url;
    await server.close();
    const varnish = varnishPurger({ url: url.replace('http://', 'http://admin:hunter2secret@') });
    const { cache, failed, logged } = purgingCache([varnish], { maxAttempts: 2 });
    expect(await cache.invalidateTags(['a'])).toBe(true);
    await cache.settlePurges();
    expect(failed.map((f) => [f.error.code, f.attempts])).toEqual([['NETWORK', 2]]);
    expect(failed[0]!.error.message).toContain('ECONNREFUSED');
    for (const text of [inspect(failed, { depth: 6 }), inspect(varnish, { depth: 6 }), ...logged]) {
      expect(text).not.toContain('hunter2secret');
    }
  });

  it('without purgeAll, a full queue drops the newest tags with an OVERFLOW purge-error', async () => {
    server = await startVendorServer(() => undefined, { status: 200 });
    const { cache, failed } = purgingCache([varnishPurger({ url: server.url })], { maxQueue: 3 });
    const release = server.hold();
    await cache.invalidateTags(['first']);
    await server.arrived(1);
    await cache.invalidateTags(['a', 'b', 'c', 'd', 'e']);
    release();
    await cache.settlePurges();
    expect(failed.map((f) => [f.error.code, f.tags, f.attempts])).toEqual([['OVERFLOW', ['d', 'e'], 0]]);
    expect(server.requests.map((r) => r.headers['xkey-purge'])).toEqual(['first', 'a b c']);
  });

  it('purges again after repurgeAfter (the refetch window), as its own batch', async () => {
    const { cache, purged } = purgingCache([await fastly()], { repurgeAfter: '30ms' });
    const repurged = new Promise<void>((resolve) => cache.on('purge', (p) => p.repurge && resolve()));
    await cache.invalidateTags(['a', 'b']);
    await repurged;
    await cache.settlePurges();
    expect(keysOf(server)).toEqual([
      ['a', 'b'],
      ['a', 'b'],
    ]);
    expect(purged.map((p) => p.repurge)).toEqual([false, true]);
  });

  it('close() sends the waiting repurges at once and waits for them; repurgeAfter: false sends none', async () => {
    const withRepurge = purgingCache([await fastly()], { repurgeAfter: '1h' });
    await withRepurge.cache.invalidateTags(['a']);
    await withRepurge.cache.settlePurges();
    expect(server.requests).toHaveLength(1);
    await withRepurge.cache.close();
    expect(keysOf(server)).toEqual([['a'], ['a']]);
    await server.close();

    const without = purgingCache([await fastly()], { repurgeAfter: false });
    await without.cache.invalidateTags(['a']);
    await without.cache.close();
    expect(server.requests).toHaveLength(1);
  });

  it('close() sends everything queued, once each: a CDN down at shutdown is reported, not retried', async () => {
    const { cache, purged, failed } = purgingCache([await fastly()]);
    server.script({ status: 503 });
    await cache.invalidateTags(tags(300));
    await cache.close();
    expect(server.requests).toHaveLength(2);
    expect(purged.map((p) => p.tags.length)).toEqual([44]);
    expect(failed.map((f) => [f.tags.length, f.error.status, f.attempts])).toEqual([[256, 503, 1]]);
    await cache.invalidateTags(['after-close']);
    await cache.settlePurges();
    expect(server.requests).toHaveLength(2);
  });

  it('close() cuts a retry wait short and sends the batch at once', async () => {
    const calls: string[][] = [];
    const limited: Purger = {
      name: 'limited',
      batch: { maxTags: 10 },
      async purge(batch) {
        calls.push([...batch]);
        if (calls.length === 1) {
          throw new PurgeError('HTTP', 'limited: 429', {
            status: 429,
            retryable: true,
            retryAfterMs: 3_600_000,
          });
        }
      },
    };
    const { cache, purged } = purgingCache([limited], { maxRetryDelay: '2h' });
    await cache.invalidateTags(['a']);
    await new Promise((resolve) => setImmediate(resolve)); // the 429 is in; the queue waits an hour
    expect(calls).toHaveLength(1);
    await cache.close();
    expect(calls).toEqual([['a'], ['a']]);
    expect(purged.map((p) => p.attempts)).toEqual([2]);
  });

  it('leaves out tags no tag header can carry (spaces, commas, control characters, non-ASCII)', async () => {
    const { cache } = purgingCache([await fastly()]);
    await cache.invalidateTags(['ok', 'two words', 'a,b', 'line\nbreak', 'café']);
    await cache.settlePurges();
    expect(keysOf(server)).toEqual([['ok']]);
  });

  it('retries a custom purger that throws any error, and hands every purger the tags', async () => {
    const seen: string[][] = [];
    let failures = 1;
    const flaky: Purger = {
      name: 'custom',
      batch: { maxTags: 10 },
      async purge(batch) {
        if (failures-- > 0) throw new Error('socket hang up');
        seen.push([...batch]);
      },
    };
    const { cache, purged } = purgingCache([await fastly(), flaky]);
    await cache.invalidateTags(['a']);
    await cache.settlePurges();
    expect(seen).toEqual([['a']]);
    expect(keysOf(server)).toEqual([['a']]);
    expect(purged.map((p) => [p.purger, p.attempts]).sort()).toEqual([
      ['custom', 2],
      ['fastly', 1],
    ]);
  });

  it('rejects bad purgers and purge options with a CacheUsageError naming the field', () => {
    const backend = new MemoryBackend();
    const make = (options: object) => () =>
      new CacheService({ backend, ...options } as ConstructorParameters<typeof CacheService>[0]);
    expect(make({ purgers: [{ name: 'x', purge: async () => {} }] })).toThrow(
      expect.objectContaining({ field: 'purgers[0].batch' }),
    );
    expect(make({ purgers: {} })).toThrow(expect.objectContaining({ field: 'purgers' }));
    expect(make({ purge: { maxQueue: 0 } })).toThrow(expect.objectContaining({ field: 'purge.maxQueue' }));
    expect(make({ purge: { repurgeAfter: 'soon' } })).toThrow(
      expect.objectContaining({ field: 'purge.repurgeAfter' }),
    );
  });

  it('createCaches hands service.purgers to every service it creates', async () => {
    const caches = createCaches({
      backends: [
        { name: 'hot', type: 'memory', default: true },
        { name: 'other', type: 'memory' },
      ],
      service: { purgers: [await fastly()], purge: { repurgeAfter: false } },
    });
    await caches.get().invalidateTags(['a']);
    await caches.get('other').invalidateTags(['b']);
    await Promise.all([caches.get().settlePurges(), caches.get('other').settlePurges()]);
    expect(keysOf(server).flat().sort()).toEqual(['a', 'b']);
    expect(caches.get().tagHeader).toEqual({ name: 'Surrogate-Key', separator: ' ' });
  });

  it('a service without purgers settles at once and has no tag header', async () => {
    const cache = new CacheService({ backend: new MemoryBackend() });
    await cache.invalidateTags(['a']);
    await cache.settlePurges();
    expect(cache.tagHeader).toBeUndefined();
  });
});
