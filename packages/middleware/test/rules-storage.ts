import { expect, it, vi } from 'vitest';
import type { TestResponse } from './support/apps.js';
import type { SuiteContext } from './support/suite-context.js';

/** What is stored and what never is: methods, privacy, statuses, HEAD, 304, Vary, tags. */
export function storageRules(_framework: string, { setup, cached, counter }: SuiteContext): void {
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

  it('each hit states its own entry’s Age and TTL, however hits of one middleware interleave', async () => {
    // Two entries with the same TTL left and different ages (their own max-age), then a third
    // with another TTL: every hit must say its own.
    const maxAge: Record<string, string> = { a: '100', b: '70', c: '50' };
    const { http } = await setup([
      {
        path: '/page',
        cache: cached({ ttlFromResponse: true }),
        handle: (request) => ({
          body: 'x',
          headers: { 'cache-control': `max-age=${maxAge[request.query.get('v') ?? '']}` },
        }),
      },
    ]);
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    await http.get('/page?v=a');
    vi.setSystemTime(start + 30_000);
    await http.get('/page?v=b');
    await http.get('/page?v=c');
    const seen: string[] = [];
    for (const v of ['a', 'b', 'a', 'c', 'c', 'b', 'a']) {
      const hit = await http.get(`/page?v=${v}`);
      expect(hit.headers['x-cache']).toBe('HIT');
      seen.push(`${v}: age ${hit.headers.age}, ${hit.headers['cache-status']}`);
    }
    const a = 'a: age 30, tagcache; hit; ttl=70';
    const b = 'b: age 0, tagcache; hit; ttl=70';
    const c = 'c: age 0, tagcache; hit; ttl=50';
    expect(seen).toEqual([a, b, a, c, c, b, a]);
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
}
