import { expect, it, vi } from 'vitest';
import { deferred } from './support/backends.js';
import type { SuiteContext } from './support/suite-context.js';

const DAY_AGO = new Date(Date.now() - 86_400_000).toUTCString();

/** `ttlFromResponse`: targeted fields (RFC 9213) and stale directives (RFC 5861), issue #13 items 6–7. */
export function staleDirectiveRules(_framework: string, { setup, cached, counter }: SuiteContext): void {
  const fromResponse = (opts = {}) => cached({ ttlFromResponse: true, ...opts });

  /** Requests `path` twice and says whether the second one was a hit. */
  async function storedTwice(http: Awaited<ReturnType<SuiteContext['setup']>>['http'], path: string) {
    await http.get(path);
    return (await http.get(path)).headers['x-cache'] === 'HIT';
  }

  /**
   * A route whose responses are stored already stale (`max-age=0`, a 60 s stale window), with
   * its first response (`v1`) stored. Its second handler run resolves `entered`, then waits for
   * `gate`.
   */
  async function bornStale(path: string) {
    const gate = deferred();
    const entered = deferred();
    const next = counter();
    const { http, calls, stored } = await setup([
      {
        path,
        cache: fromResponse(),
        handle: async () => {
          const n = next();
          if (n === 2) {
            entered.resolve();
            await gate.promise;
          }
          return { body: `v${n}`, headers: { 'cache-control': 'max-age=0, stale-while-revalidate=60' } };
        },
      },
    ]);
    const written = stored();
    await http.get(path);
    await written;
    return { http, calls, gate, entered };
  }

  it('CDN-Cache-Control takes precedence over Cache-Control and Expires; private/no-store stay private (item 6)', async () => {
    const cases: Record<string, Record<string, string>> = {
      '/cdn-longer': { 'cache-control': 'no-cache', 'cdn-cache-control': 'max-age=300' },
      '/cdn-no-store': { 'cache-control': 'max-age=300', 'cdn-cache-control': 'no-store' },
      '/cdn-over-expires': { expires: DAY_AGO, 'cdn-cache-control': 'max-age=300' },
      '/cdn-invalid': { 'cache-control': 'max-age=300', 'cdn-cache-control': 'max-age=6,,;=0' },
      '/cdn-quoted': { 'cache-control': 'max-age=300', 'cdn-cache-control': 'max-age="300"' },
      '/cc-private': { 'cache-control': 'private', 'cdn-cache-control': 'max-age=300' },
      '/cc-no-store': { 'cache-control': 'no-store', 'cdn-cache-control': 'max-age=300' },
    };
    const { http } = await setup(
      Object.entries(cases).map(([path, headers]) => ({
        path,
        cache: fromResponse(),
        handle: () => ({ body: path, headers }),
      })),
    );
    const stored: Record<string, boolean> = {};
    for (const path of Object.keys(cases)) stored[path] = await storedTwice(http, path);
    expect(stored).toEqual({
      '/cdn-longer': true,
      '/cdn-no-store': false,
      '/cdn-over-expires': true,
      '/cdn-invalid': true, // an unparsable targeted field is ignored: Cache-Control applies
      '/cdn-quoted': false, // a string is no delta-seconds: stale
      '/cc-private': false,
      '/cc-no-store': false,
    });
    const hit = await http.get('/cdn-longer');
    expect(hit.headers['cache-status']).toMatch(/^tagcache; hit; ttl=(29\d|300)$/);
    // The targeted field is passed on (a CDN in front reads it too).
    expect(hit.headers['cdn-cache-control']).toBe('max-age=300');
  });

  it('targetedFields: the first listed field present wins; [] reads Cache-Control alone', async () => {
    const headers = {
      'cache-control': 'max-age=600',
      'cdn-cache-control': 'max-age=300',
      'tagcache-cache-control': 'max-age=30',
    };
    const { http } = await setup([
      {
        path: '/own',
        cache: fromResponse({ targetedFields: ['Tagcache-Cache-Control', 'CDN-Cache-Control'] }),
        handle: () => ({ body: 'x', headers }),
      },
      { path: '/none', cache: fromResponse({ targetedFields: [] }), handle: () => ({ body: 'x', headers }) },
    ]);
    await http.get('/own');
    expect((await http.get('/own')).headers['cache-status']).toMatch(/^tagcache; hit; ttl=(29|30)$/);
    await http.get('/none');
    expect((await http.get('/none')).headers['cache-status']).toMatch(/^tagcache; hit; ttl=(59\d|600)$/);
  });

  it('stale-while-revalidate from the response: served stale while one request refreshes (item 7)', async () => {
    let version = 'v1';
    let gate: { promise: Promise<void>; resolve: () => void } | undefined;
    const entered = deferred();
    const { http, calls } = await setup([
      {
        path: '/swr',
        cache: fromResponse(),
        handle: async () => {
          if (gate) {
            entered.resolve();
            await gate.promise;
          }
          return { body: version, headers: { 'cache-control': 'max-age=1, stale-while-revalidate=60' } };
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
    gate.resolve();
    expect((await refreshing).text).toBe('v2');
    expect(calls['/swr']).toBe(2);
  });

  it('stale-if-error from the response: a failing refresh is replaced by the stale copy (item 7)', async () => {
    let fail = false;
    const { http } = await setup([
      {
        path: '/sie',
        cache: fromResponse(),
        handle: () =>
          fail
            ? { status: 503, body: 'down' }
            : { body: 'good', headers: { 'cache-control': 'max-age=1, stale-if-error=60' } },
      },
      {
        path: '/no-window',
        cache: fromResponse({ staleIfError: 60 }),
        handle: () =>
          fail
            ? { status: 503, body: 'down' }
            : { body: 'good', headers: { 'cache-control': 'max-age=1, stale-if-error=0' } },
      },
    ]);
    await http.get('/sie');
    await http.get('/no-window');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 5000);
    fail = true;
    const res = await http.get('/sie');
    expect([res.status, res.text, res.headers['x-cache']]).toEqual([200, 'good', 'STALE']);
    // The response's stale-if-error=0 overrides the route's window.
    expect((await http.get('/no-window')).status).toBe(503);
  });

  it('must-revalidate keeps a response out of the route stale windows (never served stale)', async () => {
    let fail = false;
    const { http } = await setup([
      {
        path: '/strict',
        cache: fromResponse({ staleIfError: 60 }),
        handle: () =>
          fail
            ? { status: 503, body: 'down' }
            : { body: 'good', headers: { 'cache-control': 'max-age=1, must-revalidate' } },
      },
    ]);
    await http.get('/strict');
    expect((await http.get('/strict')).headers['x-cache']).toBe('HIT');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 5000);
    fail = true;
    expect((await http.get('/strict')).status).toBe(503);
  });

  it('max-age=0 with a stale window is stored already stale and served stale to concurrent requests', async () => {
    const { http, calls, gate, entered } = await bornStale('/stale-born');
    const refreshing = http.get('/stale-born').then((res) => res);
    await entered.promise;
    const stale = await http.get('/stale-born');
    expect([stale.text, stale.headers['x-cache']]).toEqual(['v1', 'STALE']);
    gate.resolve();
    expect((await refreshing).text).toBe('v2');
    expect(calls['/stale-born']).toBe(2);
  });

  it('a response stored already stale is refreshed by the next request even within the millisecond of its store', async () => {
    // The clock stands still: the next request comes in the very millisecond the entry was stored
    // (it did, now and then, on a fast path; a 1 ms lifetime then made it a fresh hit, never refreshed).
    vi.useFakeTimers({ toFake: ['Date'] });
    const { http, calls, gate, entered } = await bornStale('/born-stale');
    const refreshing = http.get('/born-stale').then((res) => res);
    const answeredFirst = refreshing.then((res) => {
      throw new Error(
        `the next request was answered without a refresh: ${res.headers['x-cache']} ${res.text}`,
      );
    });
    await Promise.race([entered.promise, answeredFirst]);
    answeredFirst.catch(() => {});
    const stale = await http.get('/born-stale');
    expect([stale.text, stale.headers['x-cache']]).toEqual(['v1', 'STALE']);
    gate.resolve();
    expect((await refreshing).text).toBe('v2');
    expect(calls['/born-stale']).toBe(2);
  });
}
