/**
 * Shared pieces of the HTTP fault tests: an Express app and a Koa app with the response cache
 * on a given `CacheService`, a server-side log of every response (`X-Cache`, status, when it
 * started and finished), load bursts with autocannon, and a counter of unhandled rejections.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import type { CacheService } from '@tagcache/core';
import type { CacheResponsesOptions } from '@tagcache/middleware';
import { cacheResponses as expressCache } from '@tagcache/middleware/express';
import { cacheResponses as koaCache } from '@tagcache/middleware/koa';
import autocannon from 'autocannon';
import express from 'express';
import expressSession from 'express-session';
import Koa from 'koa';
import koaSession from 'koa-session';
import qs from 'qs';

export type Framework = 'express' | 'koa';
export const FRAMEWORKS: readonly Framework[] = ['express', 'koa'];

/** A request as the handler saw it. */
export interface HandlerRequest {
  readonly path: string;
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  /** The query as qs parses it (Express's `extended` query parser; koa-qs on Koa). */
  readonly parsed: unknown;
  readonly headers: IncomingMessage['headers'];
  /** The session (express-session / koa-session) when the app has one. */
  readonly session?: Record<string, unknown>;
}

/** What a handler answers. */
export interface HandlerResponse {
  readonly status?: number;
  readonly headers?: Record<string, string | string[]>;
  readonly body: string | object;
  /** Tags added at run time. */
  readonly tags?: readonly string[];
}

export interface RouteSpec {
  readonly path: string;
  readonly options?: Omit<CacheResponsesOptions, 'cache'>;
  readonly handle: (request: HandlerRequest) => HandlerResponse | Promise<HandlerResponse>;
}

/** One response as the server sent it. */
export interface LoggedResponse {
  readonly url: string;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly status: number;
  readonly xCache: string | undefined;
  readonly cacheStatus: string | undefined;
}

/** A hit read from the backend (not a response shared from a concurrent miss: `collapsed`). */
export const storedHit = (r: LoggedResponse): boolean =>
  r.xCache === 'HIT' && !(r.cacheStatus ?? '').includes('collapsed');

export interface RunningApp {
  readonly server: Server;
  readonly url: string;
  /** Every finished response, in finishing order. */
  readonly log: LoggedResponse[];
  close(): Promise<void>;
}

/** Starts `framework` with `routes` (each behind its own `cacheResponses`) on a free loopback port. */
export async function startApp(
  framework: Framework,
  cache: CacheService,
  routes: readonly RouteSpec[],
  serverOptions: { maxHeaderSize?: number; session?: boolean } = {},
): Promise<RunningApp> {
  const session = serverOptions.session === true;
  const handler =
    framework === 'express' ? expressHandler(cache, routes, session) : koaHandler(cache, routes, session);
  const log: LoggedResponse[] = [];
  const server = createServer({ maxHeaderSize: serverOptions.maxHeaderSize }, handler);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const startedAt = performance.now();
    res.once('finish', () => {
      const xCache = res.getHeader('x-cache');
      const cacheStatus = res.getHeader('cache-status');
      log.push({
        url: req.url ?? '',
        startedAt,
        finishedAt: performance.now(),
        status: res.statusCode,
        xCache: xCache === undefined ? undefined : String(xCache),
        cacheStatus: cacheStatus === undefined ? undefined : String(cacheStatus),
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const SESSION_SECRET = 'fault-harness-secret';

function expressHandler(cache: CacheService, routes: readonly RouteSpec[], session: boolean) {
  const app = express();
  app.set('query parser', 'extended');
  // Mounted before the cache, it sets its cookie late (in an `on-headers` hook).
  if (session) app.use(expressSession({ secret: SESSION_SECRET, resave: false, saveUninitialized: false }));
  for (const route of routes) {
    app.get(route.path, expressCache({ cache, ...route.options }), async (req, res, next) => {
      try {
        const out = await route.handle({
          path: req.path,
          params: req.params as Record<string, string>,
          query: new URLSearchParams(
            req.originalUrl.slice(req.originalUrl.indexOf('?') + 1 || req.originalUrl.length),
          ),
          parsed: req.query,
          headers: req.headers,
          ...(req.session ? { session: req.session as unknown as Record<string, unknown> } : {}),
        });
        if (out.tags) res.locals.cacheTags = [...out.tags];
        res.status(out.status ?? 200);
        for (const [name, value] of Object.entries(out.headers ?? {})) res.setHeader(name, value);
        if (typeof out.body === 'string') res.type('text/plain').send(out.body);
        else res.json(out.body);
      } catch (error) {
        next(error);
      }
    });
  }
  return app;
}

function koaHandler(cache: CacheService, routes: readonly RouteSpec[], session: boolean) {
  const app = new Koa();
  app.silent = true;
  // Registered before the cache, it sets its cookie after `await next()`.
  if (session) {
    app.keys = [SESSION_SECRET];
    app.use(koaSession({}, app));
  }
  const router = new Router();
  for (const route of routes) {
    router.get(route.path, koaCache({ cache, ...route.options }), async (ctx) => {
      const out = await route.handle({
        path: ctx.path,
        params: ctx.params as Record<string, string>,
        query: new URLSearchParams(ctx.querystring),
        parsed: qs.parse(ctx.querystring, { allowPrototypes: true }),
        headers: ctx.headers,
        ...(ctx.session ? { session: ctx.session as unknown as Record<string, unknown> } : {}),
      });
      if (out.tags) ctx.state.cacheTags = [...out.tags];
      ctx.status = out.status ?? 200;
      for (const [name, value] of Object.entries(out.headers ?? {})) ctx.set(name, value);
      if (typeof out.body === 'string') ctx.type = 'text/plain';
      ctx.body = out.body;
    });
  }
  app.use(router.routes());
  return app.callback();
}

/** Figures of one autocannon burst. */
export interface BurstResult {
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly p99Ms: number;
}

/** A burst of load: `connections` keep-alive clients for `seconds`, over `paths` (round-robin per client). */
export async function burst(
  baseUrl: string,
  options: { seconds: number; connections?: number; paths: readonly string[]; timeoutSeconds?: number },
): Promise<BurstResult> {
  const result = await autocannon({
    url: baseUrl,
    connections: options.connections ?? 16,
    duration: options.seconds,
    timeout: options.timeoutSeconds ?? 20,
    requests: options.paths.map((path) => ({ method: 'GET' as const, path })),
  });
  return {
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    p99Ms: result.latency.p99,
  };
}

/** Counts unhandled rejections from now on (a test asserts 0); `stop()` removes the listener. */
export function countUnhandledRejections(): { readonly reasons: unknown[]; stop(): void } {
  const reasons: unknown[] = [];
  const listener = (reason: unknown): void => {
    reasons.push(reason);
  };
  process.on('unhandledRejection', listener);
  return { reasons, stop: () => process.off('unhandledRejection', listener) };
}

/** GETs `path` once and returns the status, `X-Cache` and body. */
export async function fetchOnce(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; xCache: string | null; body: string; headers: Headers }> {
  const response = await fetch(baseUrl + path, { headers });
  return {
    status: response.status,
    xCache: response.headers.get('x-cache'),
    body: await response.text(),
    headers: response.headers,
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Prints a figure line the soak and the CI log can be read for. */
export function figure(label: string, values: Record<string, unknown>): void {
  const text = Object.entries(values)
    .map(([name, value]) => `${name}=${typeof value === 'number' ? Math.round(value * 100) / 100 : value}`)
    .join(' ');
  console.log(`[figures] ${label}: ${text}`);
}
