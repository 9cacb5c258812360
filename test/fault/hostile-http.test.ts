import { request } from 'node:http';
import { CacheService, CacheUsageError, MemoryBackend } from '@tagcache/core';
import { cacheResponses as expressCache } from '@tagcache/middleware/express';
import { cacheResponses as koaCache } from '@tagcache/middleware/koa';
import fc from 'fast-check';
import qs from 'qs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FRAMEWORKS,
  figure,
  type HandlerRequest,
  type RunningApp,
  startApp,
} from './support/http-harness.js';

/**
 * (`#` is left out: a client never sends the fragment.)
 * Hostile request parts through the middleware: query strings with `*`, `?`, `{`, brackets,
 * encoded CR/LF and unicode, duplicated parameters, 64 KB URLs, run-time tags with CR/LF and
 * commas. Every request is answered 200 with the body made for its own URL (no key collision,
 * twice: miss then hit), no header is injected, and the process does not crash.
 */

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(url: string, path: string): Promise<Reply> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET', maxHeaderSize: 256 * 1024 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** What the default-key route answers: the parsed query, sorted by name (values keep order). */
const canonical = (query: URLSearchParams): string =>
  JSON.stringify([...query].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
/**
 * What the qs route answers: the parsed query, its parameters sorted by name (the default key
 * treats the order of different names as irrelevant; within a name, order and bytes count).
 */
const byName = (parsed: unknown): string =>
  JSON.stringify(Object.entries(parsed as object).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
/** What the template route answers: only what its key reads. */
const templated = (request: HandlerRequest): string =>
  JSON.stringify({ q: request.query.getAll('q'), page: request.query.getAll('page') });

const RAW = [
  '*',
  '?',
  '{',
  '}',
  '[',
  ']',
  '|',
  '^',
  '`',
  '"',
  '<',
  '>',
  '\\',
  ',',
  ';',
  '=',
  '&',
  '%25',
  '+',
];
const part = fc.oneof(
  fc.string({ unit: fc.constantFrom(...RAW, 'a', '1'), maxLength: 8 }),
  fc
    .string({ unit: 'binary', maxLength: 12 })
    .map((s) => encodeURIComponent((s as unknown as { toWellFormed(): string }).toWellFormed())),
  fc.constantFrom('%0D%0ASet-Cookie:%20x=1', '%0AX-Injected:%201', '%E2%80%A8', '%C0%AF', '%FF', '%'),
);
const param = fc.tuple(fc.constantFrom('q', 'page', 'x', 'q', '*', '{q}'), part);
const query = fc.array(param, { maxLength: 6 }).map((pairs) => pairs.map(([n, v]) => `${n}=${v}`).join('&'));

for (const framework of FRAMEWORKS) {
  describe(`hostile requests (${framework})`, () => {
    let app: RunningApp;
    // Room for 10,000 tag versions (they are entries too).
    const cache = new CacheService({ backend: new MemoryBackend({ maxEntries: 50_000 }) });
    beforeAll(async () => {
      app = await startApp(
        framework,
        cache,
        [
          { path: '/d', options: { ttl: 60 }, handle: ({ query }) => ({ body: canonical(query) }) },
          { path: '/qs', options: { ttl: 60 }, handle: ({ parsed }) => ({ body: byName(parsed) }) },
          {
            path: '/t/:id',
            options: {
              ttl: 60,
              key: '{method}:{path}?{query.q}|{query.page}',
              tags: ['item:{params.id}', 'q:{query.q}'],
            },
            handle: (request) => ({ body: templated(request), tags: request.query.getAll('tag') }),
          },
        ],
        { maxHeaderSize: 256 * 1024 },
      );
    });
    afterAll(async () => {
      await app?.close();
      await cache.close();
    });

    const expectClean = (reply: Reply, expected: string): void => {
      expect(reply.status).toBe(200);
      expect(reply.body).toBe(expected);
      expect(reply.headers['x-injected']).toBeUndefined();
      expect(reply.headers['set-cookie']).toBeUndefined();
      for (const value of Object.values(reply.headers).flat()) expect(value ?? '').not.toMatch(/[\r\n]/);
    };

    it('fuzzed query strings: 200, own body on miss and on hit, no injected header', async () => {
      let cases = 0;
      let hits = 0;
      await fc.assert(
        fc.asyncProperty(query, query, async (a, b) => {
          for (const [path, expected] of [
            [`/d?${a}`, canonical(new URLSearchParams(a))],
            [
              `/t/x${encodeURIComponent(b)}?${b}&tag=${encodeURIComponent('x\r\ny, z')}`,
              templated({ query: new URLSearchParams(b) } as HandlerRequest),
            ],
          ] as const) {
            cases++;
            const first = await get(app.url, path);
            expectClean(first, expected);
            const second = await get(app.url, path);
            expectClean(second, expected);
            if (second.headers['x-cache'] === 'HIT') hits++;
          }
        }),
        { numRuns: 150 },
      );
      figure(`hostile queries (${framework})`, { urls: cases, requests: cases * 2, hitsOnSecond: hits });
      expect(hits).toBeGreaterThan(cases / 2);
    }, 60_000);

    it('the default key tells apart what the query parser does (raw bytes, qs merge order)', async () => {
      const pairs = [
        ['q=caf%E9', 'q=caf%E8'],
        ['a=x&a[]=y', 'a[]=y&a=x'],
        ['a=x&a%5B%5D=y', 'a%5B%5D=y&a=x'],
        ['a[b]=1&a[c]=2', 'a[c]=2&a[b]=1'],
        ['q=a%zz%41', 'q=a%25zz%41'],
        ['q=%', 'q=%25'],
      ];
      for (const [a, b] of pairs) {
        for (const query of [a, b, a, b]) {
          const reply = await get(app.url, `/qs?${query}`);
          expectClean(reply, byName(qs.parse(query!, { allowPrototypes: true })));
        }
      }
      // Fuzzed: the same parameters in every order, each answered with what qs makes of its own URL.
      const qsParam = fc.tuple(
        fc.constantFrom('a', 'a[]', 'a[0]', 'a[b]', 'a%5B%5D', 'b', 'b[]'),
        fc.constantFrom('x', 'y', '%E9', '%E8', '%C3%A9', '%zz', '%25zz', '1', ''),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(qsParam, { minLength: 1, maxLength: 5 }), async (params) => {
          const forward = params.map(([n, v]) => `${n}=${v}`).join('&');
          const backward = [...params]
            .reverse()
            .map(([n, v]) => `${n}=${v}`)
            .join('&');
          for (const query of [forward, backward, forward]) {
            const reply = await get(app.url, `/qs?${query}`);
            expectClean(reply, byName(qs.parse(query, { allowPrototypes: true })));
          }
        }),
        { numRuns: 100 },
      );
    }, 60_000);

    it('64 KB URLs, duplicated parameters and 10,000 run-time tags', async () => {
      const big = 'a'.repeat(64 * 1024);
      const paths: [string, string][] = [
        [`/d?x=${big}1`, canonical(new URLSearchParams(`x=${big}1`))],
        [`/d?x=${big}2`, canonical(new URLSearchParams(`x=${big}2`))],
        [
          `/t/1?q=${big}&q=${big}`,
          templated({ query: new URLSearchParams(`q=${big}&q=${big}`) } as HandlerRequest),
        ],
        ['/t/1?q=a&q=b', templated({ query: new URLSearchParams('q=a&q=b') } as HandlerRequest)],
        ['/t/1?q=a,b', templated({ query: new URLSearchParams('q=a,b') } as HandlerRequest)],
        ['/t/1?q=a%2Cb', templated({ query: new URLSearchParams('q=a%2Cb') } as HandlerRequest)],
        ['/d?q=1&q=2', canonical(new URLSearchParams('q=1&q=2'))],
        ['/d?q=2&q=1', canonical(new URLSearchParams('q=2&q=1'))],
      ];
      for (let round = 0; round < 2; round++) {
        for (const [path, expected] of paths) expectClean(await get(app.url, path), expected);
      }
      const manyTags = Array.from({ length: 10_000 }, (_, i) => `tag=t${i}`).join('&');
      const reply = await get(app.url, `/t/2?q=many&${manyTags}`);
      expectClean(reply, templated({ query: new URLSearchParams('q=many') } as HandlerRequest));
      // The tag header is cut at its (default) limit, never oversized.
      expect(String(reply.headers['cache-tag'] ?? '').length).toBeLessThanOrEqual(2048);
      expect((await get(app.url, `/t/2?q=many&${manyTags}`)).headers['x-cache']).toBe('HIT');
    }, 60_000);
  });
}

describe('hostile options', () => {
  const cache = new CacheService({ backend: new MemoryBackend() });
  afterAll(() => cache.close());
  // Each bad option, and the field the CacheUsageError must name.
  const bad: [Record<string, unknown>, string][] = [
    [{ tagHeader: 'Surrogate-Keys' }, 'tagHeader'],
    [{ tagHeader: 'X-Tags' }, 'tagHeader'],
    [{ tagHeader: { name: 'Cache-Tag', separator: ';' } }, 'tagHeader.separator'],
    [{ tagHeader: true }, 'tagHeader'],
    [{ statuses: '200' }, 'statuses'],
    [{ statuses: [200, '404'] }, 'statuses'],
    [{ statuses: [99] }, 'statuses'],
    [{ ttl: '0.4ms' }, 'ttl'],
    [{ ttl: 0.0004 }, 'ttl'],
    [{ ttl: '10 minutes' }, 'ttl'],
    [{ swr: '0.4ms' }, 'swr'],
    [{ staleIfError: -1 }, 'staleIfError'],
    [{ ttlFromResponse: 'yes' }, 'ttlFromResponse'],
    [{ key: 42 }, 'key'],
    [{ key: async () => 'k' }, 'key'],
    [{ tags: 'product' }, 'tags'],
    [{ tags: async () => ['t'] }, 'tags'],
    [{ maxBodySize: '1mb' }, 'maxBodySize'],
    [{ maxBodySize: 1.5 }, 'maxBodySize'],
    [{ tagHeaderLimit: 0 }, 'tagHeaderLimit'],
    [{ maxKeyLength: Number.NaN }, 'maxKeyLength'],
    [{ keyPrefix: 7 }, 'keyPrefix'],
    [{ cacheStatus: 'two words' }, 'cacheStatus'],
    [{ cacheStatus: true }, 'cacheStatus'],
    [{ xCache: 'false' }, 'xCache'],
    [{ allowCookies: 'true' }, 'allowCookies'],
    [{ allowAuthorization: 1 }, 'allowAuthorization'],
    [{ logger: console.log }, 'logger'],
    [{ logger: {} }, 'logger'],
    [{ cache: {} }, 'cache'],
  ];
  for (const [name, create] of [
    ['express', expressCache],
    ['koa', koaCache],
  ] as const) {
    it(`${name}: every option is checked, a bad one is a CacheUsageError naming it`, () => {
      for (const [options, field] of bad) {
        let error: unknown;
        try {
          (create as (options: object) => unknown)({ cache, ...options });
        } catch (caught) {
          error = caught;
        }
        expect(error, JSON.stringify(options)).toBeInstanceOf(CacheUsageError);
        expect((error as CacheUsageError).field, JSON.stringify(options)).toBe(field);
      }
      // Header names are case-insensitive: a case variant of a known tag header is that header.
      expect(() => create({ cache, tagHeader: 'Surrogate-key' as 'Surrogate-Key' })).not.toThrow();
    });
  }
});
