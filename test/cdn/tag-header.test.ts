import { cloudflarePurger, fastlyPurger, varnishPurger } from '@tagcache/cdn';
import { CacheService, MemoryBackend, type Purger } from '@tagcache/core';
import { cacheResponses as expressCache } from '@tagcache/middleware/express';
import { cacheResponses as koaCache } from '@tagcache/middleware/koa';
import express from 'express';
import Koa from 'koa';
import request from 'supertest';
import { describe, expect, it } from 'vitest';

/** The middleware's tag header follows the cache's purger unless `tagHeader` is given. */
const purgers: Array<[string, string, string, Purger]> = [
  ['varnish', 'xkey', 'products product:7', varnishPurger({ url: 'http://127.0.0.1:9/' })],
  [
    'fastly',
    'surrogate-key',
    'products product:7',
    fastlyPurger({ serviceId: 's', token: 't', baseUrl: 'http://127.0.0.1:9' }),
  ],
  [
    'cloudflare',
    'cache-tag',
    'products,product:7',
    cloudflarePurger({ zoneId: 'z', token: 't', baseUrl: 'http://127.0.0.1:9' }),
  ],
];
const tags = ['products', 'product:7'];

function expressApp(cache: CacheService, tagHeader?: 'Surrogate-Key' | false) {
  const app = express();
  app.get(
    '/p',
    expressCache({ cache, tags, ...(tagHeader === undefined ? {} : { tagHeader }) }),
    (_req, res) => {
      res.json({ ok: true });
    },
  );
  return app;
}

describe('tag header follows the purger', () => {
  it.each(purgers)('%s: Express sends %s (miss and hit)', async (_name, header, value, purger) => {
    const cache = new CacheService({ backend: new MemoryBackend(), purgers: [purger] });
    const app = expressApp(cache);
    // request(app) listens on a new port per request: one Host, so both requests name one origin.
    const miss = await request(app).get('/p').set('Host', 'shop.test');
    const hit = await request(app).get('/p').set('Host', 'shop.test');
    expect([miss.headers['x-cache'], hit.headers['x-cache']]).toEqual(['MISS', 'HIT']);
    for (const response of [miss, hit]) {
      expect(response.headers[header]).toBe(value);
      for (const other of ['xkey', 'surrogate-key', 'cache-tag'].filter((h) => h !== header)) {
        expect(response.headers[other]).toBeUndefined();
      }
    }
  });

  it.each(purgers)('%s: Koa sends %s', async (_name, header, value, purger) => {
    const cache = new CacheService({ backend: new MemoryBackend(), purgers: [purger] });
    const app = new Koa();
    app.use(koaCache({ cache, tags }));
    app.use((ctx) => {
      ctx.body = { ok: true };
    });
    const response = await request(app.callback()).get('/p');
    expect(response.headers[header]).toBe(value);
  });

  it('an explicit tagHeader wins; false sends none; no purger means Cache-Tag', async () => {
    const varnish = new CacheService({ backend: new MemoryBackend(), purgers: [purgers[0]![3]] });
    const explicit = await request(expressApp(varnish, 'Surrogate-Key')).get('/p');
    expect(explicit.headers['surrogate-key']).toBe('products product:7');
    expect(explicit.headers.xkey).toBeUndefined();
    const none = await request(expressApp(varnish, false)).get('/p');
    expect([none.headers.xkey, none.headers['cache-tag']]).toEqual([undefined, undefined]);
    const plain = await request(expressApp(new CacheService({ backend: new MemoryBackend() }))).get('/p');
    expect(plain.headers['cache-tag']).toBe('products,product:7');
  });
});
