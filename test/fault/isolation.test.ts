import { CacheService, MemoryBackend } from '@tagcache/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FRAMEWORKS,
  fetchOnce,
  figure,
  type HandlerRequest,
  type RunningApp,
  startApp,
} from './support/http-harness.js';

/**
 * Randomized isolation: sequences of requests (some concurrent) with and without
 * `Authorization` and cookies, for responses that set cookies (themselves, or late through a
 * session middleware mounted before the cache), are `private`/`no-store`/
 * `no-cache`, vary on a header or are public. Every response body names the request it was
 * produced for; a response produced for another request is checked against what a shared
 * cache may do. Nothing is ever served to a request it was not cacheable for, and no user
 * ever sees another's page.
 */

const KINDS = [
  'public',
  'set-cookie',
  'late-cookie',
  'private',
  'no-store',
  'no-cache',
  'vary',
  'vary-cookie',
] as const;
type Kind = (typeof KINDS)[number];
/** Kinds whose responses a shared cache may store. */
const STORABLE: ReadonlySet<Kind> = new Set(['public', 'vary', 'vary-cookie']);

interface Command {
  readonly route: 'r' | 'k';
  readonly page: number;
  readonly kind: Kind;
  readonly user: 'alice' | 'bob' | undefined;
  readonly viaCookie: boolean;
  readonly lang: 'en' | 'fr' | undefined;
  readonly concurrent: boolean;
}

interface Sent extends Command {
  readonly reqId: string;
  readonly run: number;
  readonly authorization: string | undefined;
  readonly cookie: string | undefined;
}

interface Echo {
  reqId: string;
  authorization: string | null;
  cookie: string | null;
  lang: string | null;
}

/** Often anonymous and public, so that sharing (the thing checked) happens a lot. */
const command = fc.record<Command>({
  route: fc.constantFrom('r', 'k'),
  page: fc.integer({ min: 0, max: 1 }),
  kind: fc.oneof(
    { arbitrary: fc.constantFrom<Kind>('public', 'vary'), weight: 3 },
    { arbitrary: fc.constantFrom(...KINDS), weight: 2 },
  ),
  user: fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 3 },
    { arbitrary: fc.constantFrom<'alice' | 'bob'>('alice', 'bob'), weight: 2 },
  ),
  viaCookie: fc.boolean(),
  lang: fc.constantFrom(undefined, 'en', 'fr'),
  concurrent: fc.boolean(),
});

function respond(request: HandlerRequest) {
  const kind = request.query.get('kind') as Kind;
  const headers: Record<string, string> = {};
  const reqId = String(request.headers['x-req-id']);
  if (kind === 'set-cookie') headers['set-cookie'] = `sid=${reqId}; HttpOnly`;
  // The session middleware (mounted before the cache) sets its cookie late, as the head goes out.
  if (kind === 'late-cookie' && request.session) request.session.owner = reqId;
  if (kind === 'private') headers['cache-control'] = 'private, max-age=60';
  if (kind === 'no-store') headers['cache-control'] = 'no-store';
  if (kind === 'no-cache') headers['cache-control'] = 'no-cache';
  if (kind === 'vary') headers.vary = 'X-Lang';
  if (kind === 'vary-cookie') headers.vary = 'Cookie';
  const echo: Echo = {
    reqId,
    authorization: request.headers.authorization ?? null,
    cookie: request.headers.cookie ?? null,
    lang: (request.headers['x-lang'] as string | undefined) ?? null,
  };
  return { headers, body: echo };
}

/** Why serving `origin`'s response to `own` is wrong, or `undefined` when a shared cache may. */
function violation(own: Sent, origin: Sent | undefined, setCookie: string | null): string | undefined {
  if (origin === undefined) return 'served a body produced for an unknown request';
  if (setCookie !== null) return 'replayed a Set-Cookie to another request';
  if (
    origin.route !== own.route ||
    origin.run !== own.run ||
    origin.page !== own.page ||
    origin.kind !== own.kind
  )
    return 'served another URL’s response';
  if (!STORABLE.has(origin.kind)) return `shared a ${origin.kind} response`;
  if (own.cookie !== undefined || origin.cookie !== undefined) return 'shared across a request with a Cookie';
  if (own.route === 'r' && (own.authorization !== undefined || origin.authorization !== undefined))
    return 'shared across a request with Authorization';
  if (own.route === 'k' && own.authorization !== origin.authorization)
    return 'shared between different Authorization values';
  if (origin.kind === 'vary' && origin.lang !== own.lang) return 'ignored Vary: X-Lang';
  return undefined;
}

for (const framework of FRAMEWORKS) {
  describe(`isolation (${framework}, randomized)`, () => {
    let app: RunningApp;
    let cache: CacheService;
    beforeAll(async () => {
      cache = new CacheService({ backend: new MemoryBackend() });
      app = await startApp(
        framework,
        cache,
        [
          { path: '/r/:run/:page', options: { ttl: 60 }, handle: respond },
          {
            path: '/k/:run/:page',
            options: {
              ttl: 60,
              allowAuthorization: true,
              key: '{method}:{path}?{query.kind}|{headers.authorization}',
            },
            handle: respond,
          },
        ],
        { session: true },
      );
    });
    afterAll(async () => {
      await app?.close();
      await cache?.close();
    });

    it('never serves a response to a request it was not cacheable for', async () => {
      let run = 0;
      let nextId = 0;
      let requests = 0;
      let shared = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 40 }), async (commands) => {
          run++;
          const sent = new Map<string, Sent>();
          const send = async (c: Command): Promise<void> => {
            const reqId = `q${++nextId}`;
            const credential = c.user === undefined ? undefined : `Bearer ${c.user}`;
            const s: Sent = {
              ...c,
              reqId,
              run,
              authorization: c.viaCookie ? undefined : credential,
              cookie: c.viaCookie && c.user !== undefined ? `sid=${c.user}` : undefined,
            };
            sent.set(reqId, s);
            const headers: Record<string, string> = { 'x-req-id': reqId };
            if (s.authorization !== undefined) headers.authorization = s.authorization;
            if (s.cookie !== undefined) headers.cookie = s.cookie;
            if (c.lang !== undefined) headers['x-lang'] = c.lang;
            const response = await fetchOnce(app.url, `/${c.route}/${run}/${c.page}?kind=${c.kind}`, headers);
            requests++;
            expect(response.status).toBe(200);
            const echo = JSON.parse(response.body) as Echo;
            if (echo.reqId === reqId) return;
            shared++;
            // Two users never see each other's page, whatever the route.
            expect(echo.authorization === null || echo.authorization === s.authorization).toBe(true);
            expect(echo.cookie).toBeNull();
            expect(violation(s, sent.get(echo.reqId), response.headers.get('set-cookie'))).toBeUndefined();
          };
          // Consecutive `concurrent` commands go out together; the others one by one.
          for (let i = 0; i < commands.length; ) {
            let j = i + 1;
            while (j < commands.length && commands[j]!.concurrent) j++;
            await Promise.all(commands.slice(i, j).map(send));
            i = j;
          }
        }),
        { numRuns: 80 },
      );
      figure(`isolation (${framework})`, { runs: run, requests, servedFromCache: shared });
      expect(shared).toBeGreaterThan(0);
    }, 120_000);
  });
}
