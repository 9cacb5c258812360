import type { Server } from 'node:http';
import { Readable } from 'node:stream';
import type { CacheServiceOptions } from '@tagcache/core';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppFactory, AppSpec, RouteCacheOptions, RouteSpec, TestResponse } from './support/apps.js';
import { type BackendVariant, deferred, type TestCache } from './support/backends.js';

/**
 * The behaviour suite: every HTTP rule of the middleware, written once and run against each
 * framework (through a real app and supertest) on each backend.
 */
export function behaviourSuite(framework: string, makeApp: AppFactory, backend: BackendVariant): void {
  describe(`${framework} on ${backend.name}`, () => {
    const open: { server?: Server; cache?: TestCache }[] = [];

    afterEach(async () => {
      vi.useRealTimers();
      for (const item of open.splice(0)) {
        item.server?.close();
        await item.cache?.close();
      }
    });

    /** An app over a fresh cache; `calls` counts handler runs per route path. */
    async function setup(
      routes: readonly RouteSpec[],
      extra: Partial<Omit<AppSpec, 'cache' | 'routes'>> = {},
      cacheOptions: Partial<CacheServiceOptions> = {},
    ) {
      const testCache = await backend.create(cacheOptions);
      const calls: Record<string, number> = {};
      const counted = routes.map((route) => ({
        ...route,
        handle: (req: Parameters<RouteSpec['handle']>[0]) => {
          calls[route.path] = (calls[route.path] ?? 0) + 1;
          return route.handle(req);
        },
      }));
      const server = await makeApp({ cache: testCache.cache, routes: counted, ...extra });
      open.push({ server, cache: testCache });
      return { http: request(server), calls, cache: testCache.cache, chaos: testCache.chaos };
    }

    const cached = (opts: RouteCacheOptions = {}): RouteCacheOptions => ({ ttl: 60, ...opts });
    const counter = () => {
      let n = 0;
      return () => ++n;
    };

    it('stores a GET response and answers the next one from the cache with Age, X-Cache and Cache-Status', async () => {
      const next = counter();
      const { http, calls } = await setup([
        {
          path: '/products',
          cache: cached(),
          handle: () => ({ body: { n: next() }, headers: { 'x-custom': 'kept' } }),
        },
      ]);
      const miss = await http.get('/products?b=2&a=1');
      expect(miss.status).toBe(200);
      expect(miss.headers['x-cache']).toBe('MISS');
      expect(miss.headers['cache-status']).toBe('tagcache; fwd=uri-miss');
      const hit = await http.get('/products?a=1&b=2');
      expect(hit.headers['x-cache']).toBe('HIT');
      expect(hit.headers['cache-status']).toMatch(/^tagcache; hit; ttl=\d+$/);
      expect(hit.headers.age).toMatch(/^\d+$/);
      expect(hit.body).toEqual({ n: 1 });
      expect(hit.headers['content-type']).toMatch(/^application\/json/);
      expect(hit.headers['x-custom']).toBe('kept');
      expect(hit.headers.etag).toBeDefined();
      expect(calls['/products']).toBe(1);
    });

    it('never caches POST, and a POST never fills the GET entry', async () => {
      const next = counter();
      const { http } = await setup([
        { method: 'post', path: '/login', cache: cached(), handle: () => ({ body: { n: next() } }) },
        { path: '/login', cache: cached(), handle: () => ({ body: { n: next(), get: true } }) },
      ]);
      expect((await http.post('/login')).body).toEqual({ n: 1 });
      const second = await http.post('/login');
      expect(second.body).toEqual({ n: 2 });
      expect(second.headers['cache-status']).toBe('tagcache; fwd=method');
      expect((await http.get('/login')).body).toEqual({ n: 3, get: true });
    });

    it('never stores a response with Set-Cookie, Cache-Control no-store/private/no-cache or Vary: *', async () => {
      const cases: Record<string, Record<string, string>> = {
        '/cookie': { 'set-cookie': 'session=abc' },
        '/no-store': { 'cache-control': 'no-store' },
        '/private': { 'cache-control': 'private, max-age=60' },
        '/no-cache': { 'cache-control': 'no-cache' },
        '/vary-star': { vary: '*' },
      };
      const { http, calls } = await setup(
        Object.entries(cases).map(([path, headers]) => ({
          path,
          cache: cached(),
          handle: () => ({ body: path, headers }),
        })),
      );
      for (const path of Object.keys(cases)) {
        await http.get(path);
        const again = await http.get(path);
        expect(again.headers['x-cache'], path).toBe('MISS');
        expect(calls[path], path).toBe(2);
      }
      const cookie = await http.get('/cookie');
      expect(cookie.headers['cache-status']).toBe('tagcache; fwd=uri-miss; detail=set-cookie');
    });

    it("never serves user A's Authorization response to user B, unless the key includes it", async () => {
      const me = (req: { headers: { authorization?: string } }): TestResponse => ({
        body: { user: req.headers.authorization },
      });
      const { http, calls } = await setup([
        { path: '/me', cache: cached(), handle: me },
        {
          path: '/me-keyed',
          cache: cached({ allowAuthorization: true, key: '{method} {path} {headers.authorization}' }),
          handle: me,
        },
      ]);
      expect((await http.get('/me').set('Authorization', 'Bearer A')).body).toEqual({ user: 'Bearer A' });
      const b = await http.get('/me').set('Authorization', 'Bearer B');
      expect(b.body).toEqual({ user: 'Bearer B' });
      expect(b.headers['cache-status']).toBe('tagcache; fwd=bypass; detail=authorization');
      expect(calls['/me']).toBe(2);
      // Anonymous requests never see a credentialed response either.
      expect((await http.get('/me')).body).toEqual({});

      await http.get('/me-keyed').set('Authorization', 'Bearer A');
      const keyedB = await http.get('/me-keyed').set('Authorization', 'Bearer B');
      expect(keyedB.body).toEqual({ user: 'Bearer B' });
      const keyedA = await http.get('/me-keyed').set('Authorization', 'Bearer A');
      expect(keyedA.headers['x-cache']).toBe('HIT');
      expect(keyedA.body).toEqual({ user: 'Bearer A' });
      expect(calls['/me-keyed']).toBe(2);
    });

    it('bypasses requests with cookies by default', async () => {
      const { http, calls } = await setup([
        { path: '/page', cache: cached(), handle: () => ({ body: 'page' }) },
      ]);
      await http.get('/page').set('Cookie', 'sid=1');
      await http.get('/page').set('Cookie', 'sid=1');
      expect(calls['/page']).toBe(2);
    });

    it('stores only the configured statuses (404 yes, 500 and 302 no)', async () => {
      const { http, calls } = await setup([
        {
          path: '/status/:code',
          cache: cached(),
          handle: (req) => ({ status: Number(req.params.code), body: 'x', headers: { location: '/' } }),
        },
      ]);
      for (const code of ['404', '500', '302']) {
        await http.get(`/status/${code}`);
        await http.get(`/status/${code}`);
      }
      expect((await http.get('/status/404')).headers['x-cache']).toBe('HIT');
      expect(calls['/status/:code']).toBe(5);
    });

    it('answers HEAD from the GET entry and never stores a HEAD response', async () => {
      const { http, calls } = await setup([
        { path: '/doc', cache: cached(), handle: () => ({ body: 'hello world' }) },
      ]);
      const headMiss = await http.head('/doc');
      expect(headMiss.headers['x-cache']).toBe('MISS');
      const get = await http.get('/doc');
      expect(get.headers['x-cache']).toBe('MISS');
      expect(get.text).toBe('hello world');
      const head = await http.head('/doc');
      expect(head.headers['x-cache']).toBe('HIT');
      expect(head.headers['content-length']).toBe('11');
      expect(head.text ?? '').toBe('');
      expect(calls['/doc']).toBe(2);
    });

    it('answers conditional requests on hits with 304 and the headers a 200 would carry', async () => {
      const { http, calls } = await setup([
        {
          path: '/etag',
          cache: cached(),
          handle: () => ({
            body: 'versioned',
            headers: {
              'cache-control': 'public, max-age=30',
              'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT',
            },
          }),
        },
      ]);
      // A conditional miss is answered in full and stored in full.
      const first = await http.get('/etag').set('If-None-Match', '"nope"');
      expect(first.status).toBe(200);
      expect(first.text).toBe('versioned');
      const etag = first.headers.etag as string;
      const hit = await http.get('/etag').set('If-None-Match', etag);
      expect(hit.status).toBe(304);
      expect(hit.headers.etag).toBe(etag);
      expect(hit.headers['cache-control']).toBe('public, max-age=30');
      expect(hit.headers['x-cache']).toBe('HIT');
      expect(hit.headers['content-type']).toBeUndefined();
      const since = await http.get('/etag').set('If-Modified-Since', 'Thu, 02 Jan 2025 00:00:00 GMT');
      expect(since.status).toBe(304);
      const changed = await http.get('/etag').set('If-Modified-Since', 'Tue, 31 Dec 2024 00:00:00 GMT');
      expect(changed.status).toBe(200);
      expect(changed.text).toBe('versioned');
      expect(calls['/etag']).toBe(1);
    });

    it('keeps one entry per Accept-Language when the response varies on it', async () => {
      const { http, calls } = await setup([
        {
          path: '/hello',
          cache: cached(),
          handle: (req) => ({
            body: req.headers['accept-language'] === 'fr' ? 'bonjour' : 'hello',
            headers: { vary: 'Accept-Language' },
          }),
        },
      ]);
      expect((await http.get('/hello').set('Accept-Language', 'en')).text).toBe('hello');
      const fr = await http.get('/hello').set('Accept-Language', 'fr');
      expect(fr.text).toBe('bonjour');
      expect(fr.headers['cache-status']).toBe('tagcache; fwd=vary-miss');
      const en = await http.get('/hello').set('Accept-Language', 'en');
      expect([en.text, en.headers['x-cache']]).toEqual(['hello', 'HIT']);
      const fr2 = await http.get('/hello').set('Accept-Language', 'fr');
      expect([fr2.text, fr2.headers['x-cache']]).toEqual(['bonjour', 'HIT']);
      expect(calls['/hello']).toBe(2);
    });

    it('sends the tag header on misses and hits; invalidating product:7 turns exactly that page into a miss', async () => {
      const next = counter();
      const { http, calls, cache } = await setup([
        {
          path: '/products/:id',
          cache: cached({ tags: ['products', 'product:{params.id}'] }),
          handle: (req) => ({ body: { id: req.params.id, n: next() } }),
        },
      ]);
      const miss = await http.get('/products/7');
      expect(miss.headers['cache-tag']).toBe('products,product:7');
      await http.get('/products/8');
      const hit = await http.get('/products/7');
      expect(hit.headers['x-cache']).toBe('HIT');
      expect(hit.headers['cache-tag']).toBe('products,product:7');
      expect(await cache.invalidateTags(['product:7'])).toBe(true);
      const after7 = await http.get('/products/7');
      expect(after7.headers['x-cache']).toBe('MISS');
      expect(after7.body.n).toBe(3);
      expect((await http.get('/products/8')).headers['x-cache']).toBe('HIT');
      expect(calls['/products/:id']).toBe(3);
    });

    it('stores tags added at run time and emits Surrogate-Key space-separated, leaving out tags that could inject headers', async () => {
      const { http, calls, cache } = await setup([
        {
          path: '/article',
          cache: cached({ tags: ['articles'], tagHeader: 'Surrogate-Key' }),
          handle: () => ({ body: 'a', tags: ['author:3', 'bad\r\nX-Injected: 1', 'two words'] }),
        },
      ]);
      const miss = await http.get('/article');
      expect(miss.headers['surrogate-key']).toBe('articles author:3');
      expect(miss.headers['x-injected']).toBeUndefined();
      expect((await http.get('/article')).headers['surrogate-key']).toBe('articles author:3');
      await cache.invalidateTags(['author:3']);
      expect((await http.get('/article')).headers['x-cache']).toBe('MISS');
      expect(calls['/article']).toBe(2);
    });

    it('cuts a tag header above the limit at a tag boundary and logs it', async () => {
      const warn = vi.fn();
      const logger = { debug: vi.fn(), info: vi.fn(), warn, error: vi.fn() };
      const tags = Array.from({ length: 50 }, (_, i) => `tag-${i}`);
      const { http } = await setup([
        { path: '/tags', cache: cached({ tags, tagHeaderLimit: 40, logger }), handle: () => ({ body: 'x' }) },
      ]);
      const res = await http.get('/tags');
      expect(res.status).toBe(200);
      const header = res.headers['cache-tag'] as string;
      expect(header.length).toBeLessThanOrEqual(40);
      expect(header.split(',').every((tag) => tags.includes(tag))).toBe(true);
      expect(warn).toHaveBeenCalled();
    });

    it('runs the handler once for concurrent misses on one key and serves everyone its response', async () => {
      const gate = deferred();
      const next = counter();
      const { http, calls, cache } = await setup([
        {
          path: '/slow',
          cache: cached(),
          handle: async () => {
            await gate.promise;
            return { body: { n: next() } };
          },
        },
      ]);
      const waiting = Array.from({ length: 8 }, () => http.get('/slow').then((res) => res));
      await vi.waitFor(() => expect(cache.stats().lockWaits).toBeGreaterThanOrEqual(7), { timeout: 5000 });
      gate.resolve();
      const responses = await Promise.all(waiting);
      expect(responses.map((res) => res.body)).toEqual(Array.from({ length: 8 }, () => ({ n: 1 })));
      expect(calls['/slow']).toBe(1);
    });

    it('caches a streamed body', async () => {
      const { http, calls } = await setup([
        {
          path: '/stream',
          cache: cached(),
          handle: () => ({
            headers: { 'content-type': 'text/plain' },
            stream: () => Readable.from(['chunk-1 ', 'chunk-2 ', 'chunk-3']),
          }),
        },
      ]);
      expect((await http.get('/stream')).text).toBe('chunk-1 chunk-2 chunk-3');
      const hit = await http.get('/stream');
      expect([hit.text, hit.headers['x-cache'], hit.headers['content-type']]).toEqual([
        'chunk-1 chunk-2 chunk-3',
        'HIT',
        'text/plain',
      ]);
      expect(calls['/stream']).toBe(1);
    });

    it('never stores a response that failed mid-body, nor one whose handler threw', async () => {
      const { http, calls } = await setup([
        {
          path: '/broken-stream',
          cache: cached(),
          handle: () => ({
            headers: { 'content-type': 'text/plain' },
            stream: () =>
              new Readable({
                read() {
                  this.push('partial body ');
                  setImmediate(() => this.destroy(new Error('disk gone')));
                },
              }),
          }),
        },
        { path: '/throws', cache: cached(), handle: () => ({ fail: true }) },
      ]);
      for (let i = 0; i < 2; i++) {
        await http.get('/broken-stream').then(
          () => undefined,
          () => undefined,
        );
      }
      expect(calls['/broken-stream']).toBe(2);
      expect((await http.get('/throws')).status).toBe(500);
      expect((await http.get('/throws')).headers['x-cache']).not.toBe('HIT');
      expect(calls['/throws']).toBe(2);
    });

    it('passes bodies over maxBodySize through uncached', async () => {
      const big = 'x'.repeat(5000);
      const { http, calls } = await setup([
        { path: '/big', cache: cached({ maxBodySize: 1000 }), handle: () => ({ body: big }) },
        {
          path: '/big-stream',
          cache: cached({ maxBodySize: 1000 }),
          handle: () => ({
            headers: { 'content-type': 'text/plain' },
            stream: () => Readable.from([big, big]),
          }),
        },
      ]);
      for (const path of ['/big', '/big-stream']) {
        expect((await http.get(path)).text.length).toBeGreaterThanOrEqual(5000);
        const again = await http.get(path);
        expect(again.headers['x-cache']).toBe('MISS');
        expect(calls[path]).toBe(2);
      }
    });

    const gzipRoute: RouteSpec = {
      path: '/gz',
      handle: () => ({ body: 'compress me '.repeat(200), headers: { 'content-type': 'text/plain' } }),
    };

    it('works inside a compressor: identity stored, every hit compressed again', async () => {
      const { http, calls } = await setup([{ ...gzipRoute, cache: cached() }], { compression: 'outer' });
      const miss = await http.get('/gz').set('Accept-Encoding', 'gzip');
      expect([miss.headers['content-encoding'], miss.text]).toEqual(['gzip', 'compress me '.repeat(200)]);
      const hit = await http.get('/gz').set('Accept-Encoding', 'gzip');
      expect([hit.headers['content-encoding'], hit.headers['x-cache'], hit.text]).toEqual([
        'gzip',
        'HIT',
        'compress me '.repeat(200),
      ]);
      // koa-compress declares Vary: Accept-Encoding before the handler runs, so Koa keeps one
      // identity entry per Accept-Encoding; compression (Express) adds it after the cache's snapshot.
      const plain = await http.get('/gz').set('Accept-Encoding', 'identity');
      expect([plain.headers['content-encoding'], plain.text]).toEqual([
        undefined,
        'compress me '.repeat(200),
      ]);
      const plainAgain = await http.get('/gz').set('Accept-Encoding', 'identity');
      expect([plainAgain.headers['x-cache'], plainAgain.text]).toEqual(['HIT', 'compress me '.repeat(200)]);
      expect(calls['/gz']).toBe(framework === 'koa' ? 2 : 1);
    });

    it('works outside a compressor: compressed bytes stored with their Content-Encoding, one entry per encoding', async () => {
      const { http, calls } = await setup([gzipRoute], { compression: 'inner', appCache: cached() });
      const miss = await http.get('/gz').set('Accept-Encoding', 'gzip');
      expect([miss.headers['content-encoding'], miss.text]).toEqual(['gzip', 'compress me '.repeat(200)]);
      const hit = await http.get('/gz').set('Accept-Encoding', 'gzip');
      expect([hit.headers['content-encoding'], hit.headers['x-cache'], hit.text]).toEqual([
        'gzip',
        'HIT',
        'compress me '.repeat(200),
      ]);
      const plain = await http.get('/gz').set('Accept-Encoding', 'identity');
      expect([plain.headers['content-encoding'], plain.text]).toEqual([
        undefined,
        'compress me '.repeat(200),
      ]);
      expect(calls['/gz']).toBe(2);
    });

    it('swr: serves the stale copy while one request refreshes it', async () => {
      let version = 'v1';
      let gate: { promise: Promise<void>; resolve: () => void } | undefined;
      const entered = deferred();
      const { http, calls } = await setup([
        {
          path: '/swr',
          cache: cached({ ttl: 1, swr: 60 }),
          handle: async () => {
            if (gate) {
              entered.resolve();
              await gate.promise;
            }
            return { body: version };
          },
        },
      ]);
      expect((await http.get('/swr')).text).toBe('v1');
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 5000);
      version = 'v2';
      gate = deferred<void>();
      const refreshing = http.get('/swr').then((res) => res);
      await entered.promise;
      const stale = await http.get('/swr');
      expect([stale.text, stale.headers['x-cache']]).toEqual(['v1', 'STALE']);
      expect(stale.headers['cache-status']).toMatch(/detail=stale-while-revalidate/);
      gate.resolve();
      const refreshed = await refreshing;
      expect([refreshed.text, refreshed.headers['x-cache']]).toEqual(['v2', 'MISS']);
      expect(refreshed.headers['cache-status']).toBe('tagcache; fwd=stale');
      const hit = await http.get('/swr');
      expect([hit.text, hit.headers['x-cache']]).toEqual(['v2', 'HIT']);
      expect(calls['/swr']).toBe(2);
    });

    it('staleIfError: a refresh that fails (5xx or throw) is replaced by the stale copy', async () => {
      let mode: 'ok' | '500' | 'throw' = 'ok';
      const { http } = await setup([
        {
          path: '/sie',
          cache: cached({ ttl: 1, staleIfError: 60 }),
          handle: () =>
            mode === 'throw'
              ? { fail: true }
              : mode === '500'
                ? { status: 500, body: 'broken' }
                : { body: 'good' },
        },
      ]);
      expect((await http.get('/sie')).text).toBe('good');
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 5000);
      for (const failure of ['500', 'throw'] as const) {
        mode = failure;
        const res = await http.get('/sie');
        expect([res.status, res.text, res.headers['x-cache']], failure).toEqual([200, 'good', 'STALE']);
        expect(res.headers['cache-status']).toMatch(/detail=stale-if-error/);
      }
      mode = 'ok';
      const recovered = await http.get('/sie');
      expect([recovered.text, recovered.headers['x-cache']]).toEqual(['good', 'MISS']);
    });

    it('serves uncached when the backend is down: the client never sees it', async () => {
      const { http, calls, chaos } = await setup([
        { path: '/page', cache: cached(), handle: () => ({ body: 'still here' }) },
      ]);
      chaos.setMode('fail');
      for (let i = 0; i < 2; i++) {
        const res = await http.get('/page');
        expect([res.status, res.text, res.headers['x-cache']]).toEqual([200, 'still here', 'MISS']);
      }
      expect(calls['/page']).toBe(2);
    });

    it('serves uncached when the backend hangs past its timeout', async () => {
      const { http, chaos } = await setup(
        [{ path: '/page', cache: cached(), handle: () => ({ body: 'still here' }) }],
        {},
        { resilience: { timeout: '50ms', circuitBreaker: false } },
      );
      chaos.setMode('hang');
      const res = await http.get('/page');
      expect([res.status, res.text]).toEqual([200, 'still here']);
      chaos.setMode('pass');
    });

    it('keys by template: only the listed query parameters count, and values cannot forge another key', async () => {
      const { http, calls } = await setup([
        {
          path: '/list',
          cache: cached({ key: '{method}:{path}?page={query.page}&sort={query.sort}' }),
          handle: (req) => ({ body: req.query.toString() }),
        },
      ]);
      await http.get('/list?page=1&utm_source=x');
      expect((await http.get('/list?page=1&utm_source=y')).headers['x-cache']).toBe('HIT');
      // page="1&sort=a" must not read the entry of page=1&sort=a.
      await http.get('/list?page=1&sort=a');
      const forged = await http.get(`/list?page=${encodeURIComponent('1&sort=a')}`);
      expect(forged.headers['x-cache']).toBe('MISS');
      expect(calls['/list']).toBe(3);
    });

    it('takes the TTL from s-maxage/max-age when told to, and never stores max-age=0', async () => {
      const { http, calls } = await setup([
        {
          path: '/maxage0',
          cache: cached({ ttlFromResponse: true }),
          handle: () => ({ body: 'x', headers: { 'cache-control': 'public, max-age=0' } }),
        },
        {
          path: '/smaxage',
          cache: cached({ ttlFromResponse: true }),
          handle: () => ({ body: 'x', headers: { 'cache-control': 'max-age=0, s-maxage=120' } }),
        },
      ]);
      await http.get('/maxage0');
      expect((await http.get('/maxage0')).headers['x-cache']).toBe('MISS');
      await http.get('/smaxage');
      const hit = await http.get('/smaxage');
      expect(hit.headers['cache-status']).toMatch(/^tagcache; hit; ttl=1[01]\d$/);
      expect(calls['/smaxage']).toBe(1);
    });
  });
}
