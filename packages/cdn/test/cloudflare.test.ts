import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { cloudflarePurger } from '../src/index.js';
import { purgingCache, tags } from './support/purging-cache.js';
import {
  CLOUDFLARE_OK,
  cloudflareCheck,
  startVendorServer,
  type VendorServer,
} from './support/vendor-server.js';

const zoneId = '023e105f4ecef8ad9ca31a8372d0c353';
const token = 'cf-secret-token-Y2xvdWRmbGFyZQ';
let server: VendorServer;

afterEach(async () => {
  await server?.close();
});

async function cloudflare(max?: number) {
  server = await startVendorServer(cloudflareCheck(zoneId, token, max), CLOUDFLARE_OK);
  return cloudflarePurger({
    zoneId,
    token,
    baseUrl: server.url,
    ...(max === undefined ? {} : { maxTagsPerRequest: max }),
  });
}

const sentTags = (server: VendorServer) =>
  server.requests.map((r) => (JSON.parse(r.body) as { tags: string[] }).tags);

describe('cloudflarePurger against a local Cloudflare API', () => {
  it('purges by cache tag, at most 100 tags a request, with a Bearer token', async () => {
    const { cache, purged, failed } = purgingCache([await cloudflare()]);
    await cache.invalidateTags(tags(250));
    await cache.settlePurges();
    expect(server.violations).toEqual([]);
    expect(failed).toEqual([]);
    expect(sentTags(server).map((batch) => batch.length)).toEqual([100, 100, 50]);
    expect(sentTags(server).flat()).toEqual(tags(250));
    expect(purged).toHaveLength(3);
  });

  it('maxTagsPerRequest raises the batch size for plans that allow more', async () => {
    const { cache } = purgingCache([await cloudflare(500)]);
    await cache.invalidateTags(tags(600));
    await cache.settlePurges();
    expect(server.violations).toEqual([]);
    expect(sentTags(server).map((batch) => batch.length)).toEqual([500, 100]);
  });

  it('answers 429 with Retry-After, then 200: retried after the wait', async () => {
    const { cache, purged, failed } = purgingCache([await cloudflare()]);
    server.script({
      status: 429,
      headers: { 'retry-after': '1' },
      body: '{"success":false,"errors":[{"code":971,"message":"rate limited"}]}',
    });
    await cache.invalidateTags(['product:1']);
    await cache.settlePurges();
    expect(server.requests).toHaveLength(2);
    expect(failed).toEqual([]);
    expect(purged.map((p) => p.attempts)).toEqual([2]);
  });

  it('a full queue falls back to purge_everything', async () => {
    const { cache, purged } = purgingCache([await cloudflare()], { maxQueue: 5 });
    const release = server.hold();
    await cache.invalidateTags(['first']);
    await server.arrived(1);
    await cache.invalidateTags(tags(6));
    release();
    await cache.settlePurges();
    expect(server.violations).toEqual([]);
    expect(server.requests.map((r) => r.body)).toEqual(['{"tags":["first"]}', '{"purge_everything":true}']);
    expect(purged.map((p) => p.all)).toEqual([false, true]);
  });

  it('a 200 with success: false is a failure, not retried; the token is in no error or log', async () => {
    const { cache, failed, logged } = purgingCache([await cloudflare()]);
    server.script({
      status: 200,
      body: '{"success":false,"errors":[{"code":1134,"message":"not entitled"}]}',
    });
    await cache.invalidateTags(['a']);
    await cache.settlePurges();
    expect(server.requests).toHaveLength(1);
    expect(failed.map((f) => [f.error.code, f.error.retryable, f.attempts])).toEqual([['HTTP', false, 1]]);
    for (const text of [inspect(failed, { depth: 6 }), ...logged]) expect(text).not.toContain(token);
  });

  it('rejects a zone id that is not an id, and an http: API outside loopback', () => {
    expect(() => cloudflarePurger({ zoneId: '../x', token })).toThrow(
      expect.objectContaining({ field: 'zoneId' }),
    );
    expect(() => cloudflarePurger({ zoneId, token, baseUrl: 'http://10.0.0.1' })).toThrow(
      expect.objectContaining({ field: 'baseUrl' }),
    );
    expect(() => cloudflarePurger({ zoneId, token, maxTagsPerRequest: 0 })).toThrow(
      expect.objectContaining({ field: 'maxTagsPerRequest' }),
    );
  });
});
