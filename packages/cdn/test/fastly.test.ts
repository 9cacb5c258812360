import { inspect } from 'node:util';
import { CacheUsageError } from '@tagcache/core';
import { afterEach, describe, expect, it } from 'vitest';
import { fastlyPurger } from '../src/index.js';
import { purgingCache, tags } from './support/purging-cache.js';
import { FASTLY_OK, fastlyCheck, startVendorServer, type VendorServer } from './support/vendor-server.js';

const serviceId = 'SU1Z0isxPaozGVKXdv0eY';
const token = 'fastly-secret-token-7f3a9c';
let server: VendorServer;

afterEach(async () => {
  await server?.close();
});

async function fastly(soft = false) {
  server = await startVendorServer(fastlyCheck(serviceId, token), FASTLY_OK);
  return fastlyPurger({ serviceId, token, soft, baseUrl: server.url });
}

describe('fastlyPurger against a local Fastly API', () => {
  it('purges by surrogate key in batches of at most 256 keys, with Fastly-Key auth', async () => {
    const { cache, purged, failed } = purgingCache([await fastly()]);
    expect(await cache.invalidateTags(tags(600))).toBe(true);
    await cache.settlePurges();
    expect(server.violations).toEqual([]);
    expect(failed).toEqual([]);
    const sizes = server.requests.map(
      (r) => (JSON.parse(r.body) as { surrogate_keys: string[] }).surrogate_keys.length,
    );
    expect(sizes).toEqual([256, 256, 88]);
    const sent = server.requests.flatMap(
      (r) => (JSON.parse(r.body) as { surrogate_keys: string[] }).surrogate_keys,
    );
    expect(new Set(sent)).toEqual(new Set(tags(600)));
    expect(purged.map((p) => p.tags.length)).toEqual([256, 256, 88]);
    expect(server.requests.every((r) => r.headers['fastly-soft-purge'] === undefined)).toBe(true);
  });

  it('soft: sends Fastly-Soft-Purge: 1', async () => {
    const { cache } = purgingCache([await fastly(true)]);
    await cache.invalidateTags(['product:1']);
    await cache.settlePurges();
    expect(server.violations).toEqual([]);
    expect(server.requests.map((r) => r.headers['fastly-soft-purge'])).toEqual(['1']);
  });

  it('answers 429 with Retry-After, then 200: retried after the wait, one purge event', async () => {
    const { cache, purged, failed } = purgingCache([await fastly()]);
    server.script({ status: 429, headers: { 'retry-after': '1' }, body: '{"msg":"rate limited"}' });
    await cache.invalidateTags(['product:1', 'products']);
    await cache.settlePurges();
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]!.body).toBe(server.requests[1]!.body);
    expect(failed).toEqual([]);
    expect(purged).toEqual([
      { purger: 'fastly', tags: ['product:1', 'products'], all: false, repurge: false, attempts: 2 },
    ]);
  });

  it('a full queue falls back to purge_all', async () => {
    const { cache, purged } = purgingCache([await fastly()], { repurgeAfter: false, maxQueue: 10 });
    const release = server.hold();
    await cache.invalidateTags(['first']);
    await server.arrived(1);
    await cache.invalidateTags(tags(11));
    release();
    await cache.settlePurges();
    expect(server.requests.map((r) => r.path)).toEqual([
      `/service/${serviceId}/purge`,
      `/service/${serviceId}/purge_all`,
    ]);
    expect(purged.map((p) => p.all)).toEqual([false, true]);
  });

  it('never puts the token in errors, events or logs', async () => {
    const purger = await fastly();
    const { cache, failed, logged } = purgingCache([purger]);
    server.script({ status: 403, body: `{"msg":"Provided credentials are missing or invalid"}` });
    await cache.invalidateTags(['a']);
    await cache.settlePurges();
    expect(failed).toHaveLength(1);
    const error = failed[0]!.error;
    expect(error).toMatchObject({ code: 'HTTP', status: 403, retryable: false });
    expect(error.message).toBe(`fastly: POST ${server.url}/service/${serviceId}/purge answered 403`);
    const seen = [
      inspect(error, { depth: 5 }),
      JSON.stringify(failed),
      ...logged,
      inspect(purger, { depth: 5 }),
    ];
    for (const text of seen) expect(text).not.toContain(token);
  });

  it('rejects bad options with a CacheUsageError naming the field (and never echoing the token)', () => {
    const bad = (options: object) => () => fastlyPurger(options as Parameters<typeof fastlyPurger>[0]);
    expect(bad({ token })).toThrow(expect.objectContaining({ field: 'serviceId' }));
    expect(bad({ serviceId, token: `${token}\r\nX-Evil: 1` })).toThrow(CacheUsageError);
    try {
      bad({ serviceId, token: `${token}\n` })();
    } catch (error) {
      expect((error as CacheUsageError).field).toBe('token');
      expect((error as Error).message).not.toContain(token);
    }
    expect(bad({ serviceId, token, baseUrl: 'http://api.example.com' })).toThrow(
      expect.objectContaining({ field: 'baseUrl' }),
    );
  });
});
