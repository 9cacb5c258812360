import { expect, it } from 'vitest';
import type { TestResponse } from './support/apps.js';
import type { SuiteContext } from './support/suite-context.js';

/** RFC 9111 §4.4: a successful unsafe request invalidates what is stored for its URL (issue #13 item 4). */
export function invalidationRules(_framework: string, { setup, cached, counter }: SuiteContext): void {
  it('a 2xx/3xx POST, PUT, PATCH, DELETE or unknown method (PURGE) drops the stored GET of its URL', async () => {
    const next = counter();
    const { http, calls } = await setup(
      [
        { path: '/items/:id', handle: () => ({ body: { n: next() } }) },
        ...(['post', 'put', 'patch', 'delete', 'purge'] as const).map((method) => ({
          method,
          path: '/items/:id',
          handle: (): TestResponse => ({ status: method === 'post' ? 303 : 204 }),
        })),
      ],
      { appCache: cached() },
    );
    for (const method of ['post', 'put', 'patch', 'delete', 'purge'] as const) {
      await http.get('/items/1?a=1');
      expect((await http.get('/items/1?a=1')).headers['x-cache'], method).toBe('HIT');
      await http[method]('/items/1?a=1');
      expect((await http.get('/items/1?a=1')).headers['x-cache'], method).toBe('MISS');
    }
    // GET and writes share the path: 1 first load, then per method 1 write + 1 reload.
    expect(calls['/items/:id']).toBe(11);
  });

  it('4xx/5xx answers, safe methods and another URL invalidate nothing', async () => {
    const { http } = await setup(
      [
        { path: '/items/:id', handle: () => ({ body: 'item' }) },
        { method: 'put', path: '/items/:id', handle: (req) => ({ status: Number(req.query.get('s')) }) },
        { method: 'options', path: '/items/:id', handle: () => ({ status: 204 }) },
      ],
      { appCache: cached() },
    );
    await http.get('/items/1');
    for (const status of [400, 404, 409, 500, 503]) await http.put(`/items/1?s=${status}`);
    await http.put('/items/2?s=204');
    await http.options('/items/1');
    await http.head('/items/1');
    expect((await http.get('/items/1')).headers['x-cache']).toBe('HIT');
    await http.put('/items/1?s=200'); // another URL (its query differs)
    expect((await http.get('/items/1')).headers['x-cache']).toBe('HIT');
  });

  it('Location and Content-Location of the same origin are invalidated; another origin never is', async () => {
    const { http } = await setup(
      [
        { path: '/items/:id', handle: (req) => ({ body: `item ${req.params.id} on ${req.origin.host}` }) },
        {
          method: 'post',
          path: '/items',
          handle: (req) => ({
            status: 201,
            headers: {
              location: '/items/2',
              'content-location': `http://${req.origin.host}/items/3?x=1`,
              link: '</items/4>; rel=next',
            },
          }),
        },
        {
          method: 'post',
          path: '/elsewhere',
          handle: () => ({
            status: 201,
            headers: {
              location: 'http://victim.example/items/5',
              'content-location': '//victim.example/items/6',
            },
          }),
        },
      ],
      { appCache: cached() },
    );
    const paths = ['/items/2', '/items/3?x=1', '/items/4'];
    for (const path of paths) await http.get(path);
    for (const path of ['/items/5', '/items/6']) await http.get(path).set('Host', 'victim.example');
    await http.post('/items');
    await http.post('/elsewhere');
    // The attacker names the victim's host in a forwarding header: not trusted, so not its origin.
    await http.post('/elsewhere').set('X-Forwarded-Host', 'victim.example');
    const after: Record<string, string | undefined> = {};
    for (const path of paths) after[path] = (await http.get(path)).headers['x-cache'];
    for (const path of ['/items/5', '/items/6'])
      after[`victim${path}`] = (await http.get(path).set('Host', 'victim.example')).headers['x-cache'];
    expect(after).toEqual({
      '/items/2': 'MISS',
      '/items/3?x=1': 'MISS',
      '/items/4': 'HIT', // Link is no invalidation target
      'victim/items/5': 'HIT',
      'victim/items/6': 'HIT',
    });
  });

  it('every Vary variant of the URL goes, and the route key template is followed', async () => {
    const { http, calls } = await setup([
      {
        path: '/products/:id',
        cache: cached({ key: 'product:{params.id}' }),
        handle: (req) => ({
          body: `${req.params.id} ${req.headers['accept-language']}`,
          headers: { vary: 'Accept-Language' },
        }),
      },
      {
        method: 'put',
        path: '/products/:id',
        cache: cached({ key: 'product:{params.id}' }),
        handle: () => ({ status: 204 }),
      },
    ]);
    for (const lang of ['en', 'fr', 'de']) await http.get('/products/7').set('Accept-Language', lang);
    for (const lang of ['en', 'fr', 'de'])
      expect((await http.get('/products/7').set('Accept-Language', lang)).headers['x-cache'], lang).toBe(
        'HIT',
      );
    expect((await http.put('/products/7')).headers['cache-status']).toBe('tagcache; fwd=method');
    for (const lang of ['en', 'fr', 'de'])
      expect((await http.get('/products/7').set('Accept-Language', lang)).headers['x-cache'], lang).toBe(
        'MISS',
      );
    expect(calls['/products/:id']).toBe(7);
  });

  it('a write behind the same proxy headers drops the entry those headers keyed; a forged one drops no clean entry', async () => {
    const { http } = await setup(
      [
        { path: '/page', handle: (req) => ({ body: `page for ${req.origin.host}` }) },
        { method: 'post', path: '/page', handle: () => ({ status: 200, body: 'ok' }) },
      ],
      { appCache: cached(), trustProxy: true },
    );
    await http.get('/page');
    await http.get('/page').set('X-Forwarded-Host', 'shop.example');
    await http.post('/page').set('X-Forwarded-Host', 'evil.example');
    expect((await http.get('/page')).headers['x-cache']).toBe('HIT');
    expect((await http.get('/page').set('X-Forwarded-Host', 'shop.example')).headers['x-cache']).toBe('HIT');
    await http.post('/page').set('X-Forwarded-Host', 'shop.example');
    expect((await http.get('/page').set('X-Forwarded-Host', 'shop.example')).headers['x-cache']).toBe('MISS');
    expect((await http.get('/page')).headers['x-cache']).toBe('HIT');
  });
}
