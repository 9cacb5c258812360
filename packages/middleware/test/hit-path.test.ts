import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CacheService, MemoryBackend, RedisBackend, userKeyOf } from '@tagcache/core';
import { cacheResponses as expressCache } from '@tagcache/middleware/express';
import { cacheResponses as koaCache } from '@tagcache/middleware/koa';
import express from 'express';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { redisUrl } from '../../../test/support/test-servers.js';
import { RenderCache } from '../src/http/rendered.js';
import { resolveSettings } from '../src/http/settings.js';
import type { StoredResponse } from '../src/http/stored-response.js';

const url = redisUrl();
const closing: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((close) => close()));
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closing.push(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/page`;
}

function caches(): [string, () => CacheService, boolean][] {
  const list: [string, () => CacheService, boolean][] = [
    ['memory', () => new CacheService({ backend: new MemoryBackend() }), true],
  ];
  if (url !== undefined)
    list.push([
      'redis (a round trip per read)',
      () =>
        new CacheService({
          backend: new RedisBackend({ url }),
          prefix: `sync-hit-${process.pid}-${Date.now()}:`,
        }),
      false,
    ]);
  return list;
}

/**
 * Whether each response was on its way when the cache middleware returned (a layer before it
 * looks right after calling it): a hit held in this process is written synchronously.
 */
describe.each(caches())(
  'a hit held in this process is sent before the middleware returns: %s',
  (_name, make, inProcess) => {
    it('express', async () => {
      const cache = make();
      closing.push(() => cache.close());
      const sentOnReturn: boolean[] = [];
      const app = express();
      app.get(
        '/page',
        (_req, res, next) => {
          next();
          sentOnReturn.push(res.headersSent);
        },
        expressCache({ cache, ttl: 60 }),
        (_req, res) => {
          res.json({ page: 1 });
        },
      );
      const page = await listen(createServer(app));
      for (const expected of ['MISS', 'HIT', 'HIT']) {
        const response = await fetch(page);
        expect(await response.json()).toEqual({ page: 1 });
        expect(response.headers.get('x-cache')).toBe(expected);
      }
      expect(sentOnReturn).toEqual([false, inProcess, inProcess]);
    });

    it('koa', async () => {
      const cache = make();
      closing.push(() => cache.close());
      const setOnReturn: boolean[] = [];
      const app = new Koa();
      app.use(async (ctx, next) => {
        const rest = next();
        setOnReturn.push(ctx.body !== undefined && ctx.body !== null);
        await rest;
      });
      app.use(koaCache({ cache, ttl: 60 }));
      app.use((ctx) => {
        ctx.body = { page: 1 };
      });
      const page = await listen(createServer(app.callback()));
      for (const expected of ['MISS', 'HIT', 'HIT']) {
        const response = await fetch(page);
        expect(await response.json()).toEqual({ page: 1 });
        expect(response.headers.get('x-cache')).toBe(expected);
      }
      expect(setOnReturn).toEqual([false, inProcess, inProcess]);
    });
  },
);

/**
 * The middleware reads the kept entry itself (`hitNow` with `shared`): serving it in every way
 * (200, 304, HEAD, a request asking `no-cache`) must leave that object exactly as it was stored.
 */
describe('serving a kept entry never changes it', () => {
  const apps: [string, (cache: CacheService) => Server][] = [
    [
      'express',
      (cache) => {
        const app = express();
        app.get('/page', expressCache({ cache, ttl: 60, tags: ['page'] }), (_req, res) => {
          res.set('Cache-Control', 'public, max-age=60').json({ page: 1, list: [1, 2] });
        });
        return createServer(app);
      },
    ],
    [
      'koa',
      (cache) => {
        const app = new Koa();
        app.use(koaCache({ cache, ttl: 60, tags: ['page'] }));
        app.use((ctx) => {
          ctx.set('Cache-Control', 'public, max-age=60');
          ctx.body = { page: 1, list: [1, 2] };
        });
        return createServer(app.callback());
      },
    ],
  ];

  it.each(apps)('%s', async (_name, make) => {
    const cache = new CacheService({ backend: new MemoryBackend() });
    closing.push(() => cache.close());
    const stored: string[] = [];
    cache.on('set', (event) => stored.push(event.key));
    const page = await listen(make(cache));
    const first = await fetch(page);
    const etag = first.headers.get('etag');
    expect([first.status, etag === null]).toEqual([200, false]);
    const key = userKeyOf(stored[0]!)!;
    const kept = cache.hitNow<object>(key, { shared: true })!.value;
    const snapshot = structuredClone(kept);
    const served = [
      await fetch(page),
      await fetch(page, { headers: { 'If-None-Match': etag! } }),
      await fetch(page, { method: 'HEAD' }),
      await fetch(page, { headers: { 'Accept-Encoding': 'identity', 'Cache-Control': 'no-cache' } }),
      await fetch(page),
    ];
    expect(served.map((response) => [response.status, response.headers.get('x-cache')])).toEqual([
      [200, 'HIT'],
      [304, 'HIT'],
      [200, 'HIT'],
      [200, 'HIT'],
      [200, 'HIT'],
    ]);
    expect(await served[4]!.json()).toEqual({ page: 1, list: [1, 2] });
    expect(cache.hitNow(key, { shared: true })!.value).toBe(kept);
    expect(kept).toEqual(snapshot);
  });
});

describe('the render cache (entries read from a shared backend) is bounded', () => {
  const settings = resolveSettings({ cache: new CacheService({ backend: new MemoryBackend() }) });
  const response = (body: Uint8Array, storedAt = 1): StoredResponse =>
    ({
      status: 200,
      headers: [['content-type', 'text/plain']],
      body,
      etag: '"e"',
      storedAt,
      initialAge: 0,
      freshUntil: Number.MAX_SAFE_INTEGER,
      vary: [],
      tags: [],
    }) as unknown as StoredResponse;

  it('keeps at most 2,000 renderings, the oldest going first', () => {
    const renders = new RenderCache();
    const first = renders.render(settings, 'k0', response(Buffer.from('0')));
    for (let i = 1; i <= 2_100; i++) renders.render(settings, `k${i}`, response(Buffer.from(String(i))));
    expect(renders.size).toBe(2_000);
    expect(renders.render(settings, 'k2100', response(Buffer.from('2100')))).toBe(
      renders.render(settings, 'k2100', response(Buffer.from('2100'))),
    );
    expect(renders.render(settings, 'k0', response(Buffer.from('0')))).not.toBe(first);
  });

  it('keeps at most 32 MiB of bodies, and never one over 8 MiB', () => {
    const renders = new RenderCache();
    for (let i = 0; i < 6; i++)
      renders.render(settings, `big${i}`, response(new Uint8Array(7 * 1024 * 1024)));
    expect(renders.bytes).toBeLessThanOrEqual(32 * 1024 * 1024);
    expect(renders.size).toBe(4);
    renders.render(settings, 'huge', response(new Uint8Array(9 * 1024 * 1024)));
    expect(renders.size).toBe(4);
    expect(renders.bytes).toBe(4 * 7 * 1024 * 1024);
  });

  it('renders an entry anew once it was replaced (another storedAt)', () => {
    const renders = new RenderCache();
    const before = renders.render(settings, 'k', response(Buffer.from('a'), 1));
    expect(renders.render(settings, 'k', response(Buffer.from('a'), 1))).toBe(before);
    expect(renders.render(settings, 'k', response(Buffer.from('b'), 2))).not.toBe(before);
    expect(renders.size).toBe(1);
  });
});
