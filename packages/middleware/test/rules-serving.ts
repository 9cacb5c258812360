import { Readable } from 'node:stream';
import type request from 'supertest';
import { expect, it, vi } from 'vitest';
import type { RouteSpec } from './support/apps.js';
import { deferred } from './support/backends.js';
import type { SuiteContext } from './support/suite-context.js';

/** How responses are captured and served: concurrency, streams, compression, staleness, faults, keys. */
export function servingRules(framework: string, { setup, cached, counter }: SuiteContext): void {
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

  it('marks requests served a concurrent load as collapsed; those of an unstorable response run their own handler', async () => {
    const gate = deferred();
    const next = counter();
    const { http, calls, cache } = await setup([
      {
        path: '/shared',
        cache: cached(),
        handle: async () => {
          await gate.promise;
          return { body: { n: next() } };
        },
      },
      {
        path: '/private',
        cache: cached(),
        handle: async () => {
          await gate.promise;
          return { headers: { 'cache-control': 'private' }, body: { n: next() } };
        },
      },
    ]);
    const get = (path: string) => Array.from({ length: 4 }, () => http.get(path).then((res) => res));
    const shared = get('/shared');
    const unstorable = get('/private');
    await vi.waitFor(() => expect(cache.stats().lockWaits).toBeGreaterThanOrEqual(6), { timeout: 5000 });
    gate.resolve();
    const status = (res: request.Response): string => String(res.headers['cache-status'] ?? '');
    const served = await Promise.all(shared);
    expect(served.filter((res) => status(res).endsWith('; collapsed'))).toHaveLength(3);
    expect(served.map((res) => res.body)).toEqual(served.map(() => served[0]?.body));
    expect(calls['/shared']).toBe(1);
    const own = await Promise.all(unstorable);
    expect(own.filter((res) => status(res).includes('collapsed-uncacheable'))).toHaveLength(3);
    expect(calls['/private']).toBe(4);
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
    await expectGzipMissThenHit(http);
    // koa-compress declares Vary: Accept-Encoding before the handler runs, so Koa keeps one
    // identity entry per Accept-Encoding; compression (Express) adds it after the cache's snapshot.
    const plain = await http.get('/gz').set('Accept-Encoding', 'identity');
    expect([plain.headers['content-encoding'], plain.text]).toEqual([undefined, 'compress me '.repeat(200)]);
    const plainAgain = await http.get('/gz').set('Accept-Encoding', 'identity');
    expect([plainAgain.headers['x-cache'], plainAgain.text]).toEqual(['HIT', 'compress me '.repeat(200)]);
    expect(calls['/gz']).toBe(framework === 'koa' ? 2 : 1);
  });

  it('works outside a compressor: compressed bytes stored with their Content-Encoding, one entry per encoding', async () => {
    const { http, calls } = await setup([gzipRoute], { compression: 'inner', appCache: cached() });
    await expectGzipMissThenHit(http);
    const plain = await http.get('/gz').set('Accept-Encoding', 'identity');
    expect([plain.headers['content-encoding'], plain.text]).toEqual([undefined, 'compress me '.repeat(200)]);
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
    expect(hit.headers['cache-status']).toMatch(/^tagcache; hit; ttl=(1[01]\d|120)$/); // s-maxage=120, read within the same second or later;
    expect(calls['/smaxage']).toBe(1);
  });
}

/** A gzip request misses, the same request hits; both bodies decode to the handler's text. */
async function expectGzipMissThenHit(http: ReturnType<typeof request>): Promise<void> {
  const miss = await http.get('/gz').set('Accept-Encoding', 'gzip');
  expect([miss.headers['content-encoding'], miss.text]).toEqual(['gzip', 'compress me '.repeat(200)]);
  const hit = await http.get('/gz').set('Accept-Encoding', 'gzip');
  expect([hit.headers['content-encoding'], hit.headers['x-cache'], hit.text]).toEqual([
    'gzip',
    'HIT',
    'compress me '.repeat(200),
  ]);
}
