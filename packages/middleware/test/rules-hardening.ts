import { get as httpGet, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { expect, it, vi } from 'vitest';
import type { RouteCacheOptions } from './support/apps.js';
import type { SuiteContext } from './support/suite-context.js';

const spyLogger = () => ({ debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() });

/** Holes of an adversarial pass (issue 22): late headers, truncated bodies, Vary fallbacks, keys, heads. */
export function hardeningRules(_framework: string, { setup, cached }: SuiteContext): void {
  it('never stores a response whose session middleware (mounted before the cache) sets its cookie late', async () => {
    let issued = 0;
    const { http, calls } = await setup(
      [
        {
          path: '/form',
          cache: cached(),
          handle: (req) => {
            const csrf = `token-${++issued}`;
            if (req.session) req.session.csrf = csrf;
            return { body: { csrf } };
          },
        },
      ],
      { session: true },
    );
    const first = await http.get('/form');
    expect(first.body).toEqual({ csrf: 'token-1' });
    expect(first.headers['set-cookie']).toBeDefined();
    // An anonymous visitor must never get the first visitor's session-bound page.
    const second = await http.get('/form');
    expect(second.body).toEqual({ csrf: 'token-2' });
    expect(second.headers['x-cache']).toBe('MISS');
    expect(calls['/form']).toBe(2);
  });

  it('a run-time tag that cannot be a tag (a lone surrogate) is left out: the handler runs once and its response is stored', async () => {
    let calls = 0;
    const { http } = await setup([
      {
        path: '/odd-tag',
        cache: cached(),
        handle: () => ({ body: { n: ++calls }, tags: ['fine', 'odd\uD800'] }),
      },
    ]);
    const first = await http.get('/odd-tag');
    expect([first.status, first.body]).toEqual([200, { n: 1 }]);
    expect(calls).toBe(1);
    const second = await http.get('/odd-tag');
    expect([second.body, second.headers['x-cache'], calls]).toEqual([{ n: 1 }, 'HIT', 1]);
  });

  it('never stores a body shorter than its declared Content-Length (an upstream that died mid-body)', async () => {
    const { http, calls } = await setup([
      {
        path: '/cut',
        cache: cached(),
        handle: () => ({
          headers: { 'content-type': 'text/plain', 'content-length': '100', connection: 'close' },
          stream: () => Readable.from([Buffer.alloc(50, 'x')]),
        }),
      },
    ]);
    for (let i = 0; i < 2; i++) {
      const res = await http.get('/cut').then(
        (reply) => reply,
        () => undefined,
      );
      expect(res?.headers['x-cache']).not.toBe('HIT');
    }
    expect(calls['/cut']).toBe(2);
  });

  it('staleIfError with Vary: the failing handler runs once and the stale copy of this variant is served', async () => {
    let mode: 'ok' | '500' | 'throw' = 'ok';
    const logger = spyLogger();
    const appErrors: string[] = [];
    const onAppError = (error: unknown) => appErrors.push(String((error as Error).message));
    const { http, calls } = await setup(
      [
        {
          path: '/v',
          cache: cached({ ttl: 1, staleIfError: 60, logger }),
          handle: (req) => {
            if (mode === 'throw') return { fail: true };
            if (mode === '500') return { status: 500, body: 'broken' };
            return { body: `hello ${String(req.headers['x-lang'])}`, headers: { vary: 'X-Lang' } };
          },
        },
      ],
      { onAppError },
    );
    expect((await http.get('/v').set('X-Lang', 'en')).text).toBe('hello en');
    expect((await http.get('/v').set('X-Lang', 'fr')).text).toBe('hello fr');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 5000);
    for (const failure of ['500', 'throw'] as const) {
      mode = failure;
      for (const lang of ['fr', 'en']) {
        const before = calls['/v'] ?? 0;
        const res = await http.get('/v').set('X-Lang', lang);
        expect([res.status, res.text, res.headers['x-cache']], `${failure} ${lang}`).toEqual([
          200,
          `hello ${lang}`,
          'STALE',
        ]);
        expect(calls['/v'], `${failure} ${lang}: handler runs`).toBe(before + 1);
      }
    }
    // Only the handler's own failures reach the app (Koa: never "next() called multiple times").
    const reported = [...appErrors, ...logger.error.mock.calls.map((call) => String(call[0].err?.message))];
    expect(reported.filter((message) => message !== 'handler failed')).toEqual([]);
  });

  it('refuses a key function that does not return a string: served uncached and logged, never shared', async () => {
    const logger = spyLogger();
    // Not an `async function` (those are refused at creation): a function returning a Promise.
    const key = ((request: { path: string }) => Promise.resolve(request.path)) as unknown as (
      request: unknown,
    ) => string;
    const { http, calls } = await setup([
      {
        path: '/users/:id',
        cache: cached({ key, logger }),
        handle: (req) => ({ body: { user: req.params.id } }),
      },
    ]);
    for (const id of ['1', '2', '1']) {
      const res = await http.get(`/users/${id}`);
      expect(res.body).toEqual({ user: id });
      expect(res.headers['cache-status']).toBe('tagcache; fwd=bypass; detail=key-error');
    }
    expect(calls['/users/:id']).toBe(3);
    expect(logger.error).toHaveBeenCalledTimes(3);
  });

  it('conditional requests on hits: preconditions only for a stored 2xx, and only real HTTP-dates', async () => {
    const { http, calls } = await setup([
      { path: '/gone', cache: cached(), handle: () => ({ status: 404, body: 'not here' }) },
      {
        path: '/doc',
        cache: cached(),
        handle: () => ({ body: 'doc', headers: { 'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT' } }),
      },
    ]);
    await http.get('/gone');
    const star = await http.get('/gone').set('If-None-Match', '*');
    expect([star.status, star.text, star.headers['x-cache']]).toEqual([404, 'not here', 'HIT']);
    const since = await http.get('/gone').set('If-Modified-Since', new Date().toUTCString());
    expect([since.status, since.text]).toEqual([404, 'not here']);
    await http.get('/doc');
    for (const notADate of ['3000', '2030-01-01', 'Wed, 01 Jan 2031']) {
      const res = await http.get('/doc').set('If-Modified-Since', notADate);
      expect([res.status, res.text, res.headers['x-cache']], notADate).toEqual([200, 'doc', 'HIT']);
    }
    const real = await http.get('/doc').set('If-Modified-Since', 'Thu, 02 Jan 2025 00:00:00 GMT');
    expect(real.status).toBe(304);
    expect(calls).toEqual({ '/gone': 1, '/doc': 1 });
  });

  it('a page with 2,000 tags keeps its whole head small enough for a Node client (no HPE_HEADER_OVERFLOW)', async () => {
    const tags = Array.from({ length: 2000 }, (_, i) => `product:${i}`);
    const logger = spyLogger();
    const { server, calls } = await setup([
      { path: '/catalog', cache: cached({ logger }), handle: () => ({ body: 'catalog', tags }) },
    ]);
    const { port } = server.address() as AddressInfo;
    for (const expected of ['MISS', 'HIT']) {
      // Node's own client, default 16 KiB header limit.
      const res = await nodeGet(port, '/catalog');
      expect([res.statusCode, res.headers['x-cache']]).toEqual([200, expected]);
      const headBytes = res.rawHeaders.reduce((sum, field) => sum + field.length + 2, 0);
      expect(headBytes).toBeLessThan(4096);
      expect(String(res.headers['cache-tag']).split(',').length).toBeGreaterThan(100);
    }
    expect(logger.warn).toHaveBeenCalled();
    expect(calls['/catalog']).toBe(1);
  });

  it('logs tags added after the head of a streamed page was sent (the miss could not carry them)', async () => {
    const logger = spyLogger();
    const route: RouteCacheOptions = cached({ tags: ['page'], logger });
    const { http } = await setup([
      {
        path: '/streamed',
        cache: route,
        handle: () => ({
          headers: { 'content-type': 'text/plain' },
          stream: (addTags) =>
            Readable.from(
              (async function* () {
                yield 'first ';
                await new Promise((resolve) => setTimeout(resolve, 20));
                addTags('late:1');
                yield 'second';
              })(),
            ),
        }),
      },
    ]);
    const miss = await http.get('/streamed');
    expect([miss.text, miss.headers['cache-tag']]).toEqual(['first second', 'page']);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ tags: ['late:1'] }),
      expect.stringMatching(/after the response head was sent/),
    );
    const hit = await http.get('/streamed');
    expect([hit.headers['x-cache'], hit.headers['cache-tag']]).toEqual(['HIT', 'page,late:1']);
  });
}

function nodeGet(port: number, path: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    httpGet({ host: '127.0.0.1', port, path }, (res) => {
      res.resume();
      res.on('end', () => resolve(res));
    }).on('error', reject);
  });
}
