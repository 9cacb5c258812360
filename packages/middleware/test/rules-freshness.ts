import { CacheService, MemoryBackend } from '@tagcache/core';
import { cacheResponses as expressCache } from '@tagcache/middleware/express';
import { expect, it, vi } from 'vitest';
import type { SuiteContext } from './support/suite-context.js';

const DAY_AGO = new Date(Date.now() - 86_400_000).toUTCString();

/** `ttlFromResponse`: freshness as RFC 9111 §4.2 computes it (issue #13, items 1–3, 5 and 8). */
export function freshnessRules(_framework: string, { setup, cached }: SuiteContext): void {
  const fromResponse = (opts = {}) => cached({ ttlFromResponse: true, ...opts });

  /** Requests `path` twice and says whether the second one was a hit. */
  async function storedTwice(http: Awaited<ReturnType<SuiteContext['setup']>>['http'], path: string) {
    await http.get(path);
    return (await http.get(path)).headers['x-cache'] === 'HIT';
  }

  it('Expires: in the past, 0, unparsable or repeated means stale; in the future gives the lifetime (item 1)', async () => {
    const soon = (seconds: number) => new Date(Date.now() + seconds * 1000).toUTCString();
    const cases: Record<string, Record<string, string | string[]>> = {
      '/past': { expires: DAY_AGO },
      '/zero': { expires: '0' },
      '/garbage': { expires: 'tomorrow' },
      '/twice': { expires: [soon(300), soon(600)] },
      '/future': { expires: soon(300) },
      '/max-age-wins': { expires: DAY_AGO, 'cache-control': 'max-age=300' },
    };
    const { http, calls } = await setup(
      Object.entries(cases).map(([path, headers]) => ({
        path,
        cache: fromResponse(),
        handle: () => ({ body: path, headers }),
      })),
    );
    for (const path of ['/past', '/zero', '/garbage', '/twice']) {
      expect(await storedTwice(http, path), path).toBe(false);
      expect(calls[path], path).toBe(2);
    }
    expect(await storedTwice(http, '/future')).toBe(true);
    const hit = await http.get('/future');
    expect(hit.headers['cache-status']).toMatch(/^tagcache; hit; ttl=(29\d|300)$/);
    expect(await storedTwice(http, '/max-age-wins')).toBe(true);
  });

  it('Expires is measured from the response Date, not from the time it was received', async () => {
    // An upstream whose clock is an hour behind: Date + 120 s is still 120 s of freshness.
    const date = new Date(Date.now() - 3_600_000);
    const { http } = await setup([
      {
        path: '/skewed',
        cache: fromResponse(),
        handle: () => ({
          body: 'x',
          headers: {
            date: date.toUTCString(),
            expires: new Date(date.getTime() + 7_200_000).toUTCString(),
          },
        }),
      },
    ]);
    await http.get('/skewed');
    // Lifetime 2 h, apparent age 1 h: one hour left.
    const hit = await http.get('/skewed');
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(Number(hit.headers.age)).toBeGreaterThanOrEqual(3599);
    expect(hit.headers['cache-status']).toMatch(/^tagcache; hit; ttl=3[56]\d\d$/);
  });

  it('an invalid, negative, quoted or duplicated max-age / s-maxage means stale, never ttl (item 2)', async () => {
    const cases = [
      'max-age=-3600',
      'max-age="3600"',
      'max-age=60, max-age=60',
      'max-age=60, s-maxage=-1',
      's-maxage=abc, max-age=60',
      'max-age',
      'max-age=1.5',
    ];
    const { http, calls } = await setup(
      cases.map((control, i) => ({
        path: `/case${i}`,
        cache: fromResponse({ ttl: 3600 }),
        handle: () => ({ body: control, headers: { 'cache-control': control } }),
      })),
    );
    for (const [i, control] of cases.entries()) {
      expect(await storedTwice(http, `/case${i}`), control).toBe(false);
      expect(calls[`/case${i}`], control).toBe(2);
    }
  });

  it('the received Age counts: max-age=3600 with Age: 7200 is stale, and a hit says Age received + resident (item 3)', async () => {
    const { http, calls } = await setup([
      {
        path: '/old',
        cache: fromResponse(),
        handle: () => ({ body: 'x', headers: { 'cache-control': 'max-age=3600', age: '7200' } }),
      },
      {
        path: '/aged',
        cache: fromResponse(),
        handle: () => ({ body: 'x', headers: { 'cache-control': 'max-age=3600', age: '600' } }),
      },
      {
        path: '/bad-age',
        cache: fromResponse(),
        handle: () => ({ body: 'x', headers: { 'cache-control': 'max-age=3600', age: 'ten' } }),
      },
    ]);
    expect(await storedTwice(http, '/old')).toBe(false);
    expect(calls['/old']).toBe(2);
    expect(await storedTwice(http, '/bad-age')).toBe(false);
    await http.get('/aged');
    const hit = await http.get('/aged');
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(Number(hit.headers.age)).toBeGreaterThanOrEqual(600);
    expect(Number(hit.headers.age)).toBeLessThan(660);
    expect(hit.headers['cache-status']).toMatch(/^tagcache; hit; ttl=(29\d\d|3000)$/);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 100_000);
    const later = await http.get('/aged');
    expect(Number(later.headers.age)).toBeGreaterThanOrEqual(700);
    expect(calls['/aged']).toBe(1);
  });

  it('ttl: 0 stores only responses with explicit freshness (reverse-proxy mode, item 8)', async () => {
    const { http, calls } = await setup([
      { path: '/implicit', cache: fromResponse({ ttl: 0 }), handle: () => ({ body: 'x' }) },
      {
        path: '/explicit',
        cache: fromResponse({ ttl: 0 }),
        handle: () => ({ body: 'x', headers: { 'cache-control': 'max-age=60' } }),
      },
    ]);
    expect(await storedTwice(http, '/implicit')).toBe(false);
    expect(calls['/implicit']).toBe(2);
    expect(await storedTwice(http, '/explicit')).toBe(true);
    expect(() => expressCache({ cache: new CacheService({ backend: new MemoryBackend() }), ttl: 0 })).toThrow(
      /^ttl: .*ttlFromResponse/,
    );
    expect(() =>
      expressCache({
        cache: new CacheService({ backend: new MemoryBackend() }),
        ttlFromResponse: true,
        targetedFields: ['bad name'],
      }),
    ).toThrow(/^targetedFields: /);
  });

  it('the default mode (fixed ttl) keeps ignoring Expires, Age and targeted fields', async () => {
    const { http } = await setup([
      {
        path: '/fixed',
        cache: cached({ ttl: 60 }),
        handle: () => ({
          body: 'x',
          headers: {
            expires: '0',
            age: '7200',
            'cdn-cache-control': 'no-store',
            'cache-control': 'max-age=-1',
          },
        }),
      },
    ]);
    await http.get('/fixed');
    const hit = await http.get('/fixed');
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(Number(hit.headers.age)).toBeLessThan(60);
  });

  it('never stores nor replays Proxy-Authentication-Info or any Proxy-* field, in either mode (item 5)', async () => {
    const headers = {
      'proxy-authentication-info': 'nextnonce="abc"',
      'proxy-status': 'upstream; error=none',
      'x-kept': 'yes',
    };
    const { http } = await setup([
      { path: '/fixed', cache: cached(), handle: () => ({ body: 'x', headers }) },
      { path: '/rfc', cache: fromResponse(), handle: () => ({ body: 'x', headers }) },
    ]);
    for (const path of ['/fixed', '/rfc']) {
      await http.get(path);
      const hit = await http.get(path);
      expect(hit.headers['x-cache'], path).toBe('HIT');
      expect(hit.headers['x-kept'], path).toBe('yes');
      expect(hit.headers['proxy-authentication-info'], path).toBeUndefined();
      expect(hit.headers['proxy-status'], path).toBeUndefined();
    }
  });
}
