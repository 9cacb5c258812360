import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import Router, { type RouterMiddleware } from '@koa/router';
import type { CacheService } from '@tagcache/core';
import type { CacheResponsesOptions } from '@tagcache/middleware';
import { addCacheTags as addExpressTags, cacheResponses as expressCache } from '@tagcache/middleware/express';
import { addCacheTags as addKoaTags, cacheResponses as koaCache } from '@tagcache/middleware/koa';
import compression from 'compression';
import express from 'express';
import expressSession from 'express-session';
import Koa from 'koa';
import koaCompress from 'koa-compress';
import koaSession from 'koa-session';

/** Route options without the cache (the suite injects it). */
export type RouteCacheOptions = Omit<CacheResponsesOptions, 'cache'>;

/** What a neutral handler sees. */
export interface TestRequest {
  readonly params: Record<string, string>;
  readonly headers: IncomingHttpHeaders;
  readonly query: URLSearchParams;
  /** Scheme, host and client address as the framework resolves them (proxy trust applied). */
  readonly origin: { readonly protocol: string; readonly host: string | undefined; readonly ip: string };
  /** The parsed JSON body, when the app parses bodies (`parseJson`). */
  readonly body: unknown;
  /** The framework's session (express-session / koa-session) when the app has one. */
  readonly session?: Record<string, unknown>;
}

/** What a neutral handler answers; each framework turns it into its own idiom. */
export interface TestResponse {
  readonly status?: number;
  readonly headers?: Record<string, string | string[]>;
  /** A string, Buffer or JSON object body. */
  readonly body?: string | Buffer | object;
  /**
   * A streamed body (Express: `pipe(res)`, Koa: `ctx.body = stream`); `addTags` adds run-time
   * tags while it streams (`addCacheTags`).
   */
  readonly stream?: (addTags: (...tags: string[]) => void) => Readable;
  /** Tags added at run time (`res.locals.cacheTags` / `ctx.state.cacheTags`). */
  readonly tags?: string[];
  /** Throw instead of answering (Express: error handler answers 500; Koa: default 500). */
  readonly fail?: boolean;
}

/** One route, registered the same way in both frameworks. */
export interface RouteSpec {
  readonly method?: 'get' | 'post' | 'put' | 'patch' | 'delete' | 'purge' | 'options';
  readonly path: string;
  /**
   * Route-level cache options; omit to leave the route uncached (or cached by `appCache`). A
   * list mounts one `cacheResponses` per item, in order, on the route.
   */
  readonly cache?: RouteCacheOptions | readonly RouteCacheOptions[];
  readonly handle: (request: TestRequest) => TestResponse | Promise<TestResponse>;
}

/** An app: routes, plus an optional app-level cache and where the compressor sits. */
export interface AppSpec {
  readonly cache: CacheService;
  readonly routes: readonly RouteSpec[];
  /** App-level cache middleware, registered before the routes. */
  readonly appCache?: RouteCacheOptions;
  /** `outer`: compressor registered before the cache (identity stored); `inner`: after it. */
  readonly compression?: 'outer' | 'inner';
  /** Trust `X-Forwarded-*` (Express `trust proxy`, Koa `app.proxy`). */
  readonly trustProxy?: boolean;
  /** Parse JSON bodies of every method, before the cache (`express.json()` / a Koa equivalent). */
  readonly parseJson?: boolean;
  /**
   * A session middleware registered first (express-session / koa-session): it sets its cookie
   * late, in an `on-headers` hook (Express) or after `await next()` (Koa).
   */
  readonly session?: boolean;
  /** Sees every error the app reports (Koa's `error` event, Express's error handlers). */
  readonly onAppError?: (error: unknown) => void;
}

const SESSION_SECRET = 'behaviour-suite-secret';

/** Builds a listening server for a framework. */
export type AppFactory = (spec: AppSpec) => Promise<Server>;

function listen(server: Server): Promise<Server> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const compressAll = { threshold: 0 };

/** The route's cache mounts, in order. */
const mounts = (route: RouteSpec): readonly RouteCacheOptions[] =>
  route.cache === undefined
    ? []
    : Array.isArray(route.cache)
      ? route.cache
      : [route.cache as RouteCacheOptions];

export const expressApp: AppFactory = (spec) => {
  const app = express();
  if (spec.trustProxy) app.set('trust proxy', true);
  if (spec.parseJson) app.use(express.json());
  if (spec.session)
    app.use(expressSession({ secret: SESSION_SECRET, resave: false, saveUninitialized: false }));
  if (spec.compression === 'outer') app.use(compression(compressAll));
  if (spec.appCache) app.use(expressCache({ cache: spec.cache, ...spec.appCache }));
  if (spec.compression === 'inner') app.use(compression(compressAll));
  for (const route of spec.routes) {
    const handlers: express.RequestHandler[] = [];
    for (const options of mounts(route)) handlers.push(expressCache({ cache: spec.cache, ...options }));
    handlers.push(async (req, res) => {
      const query = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
      const out = await route.handle({
        params: req.params as Record<string, string>,
        headers: req.headers,
        query,
        origin: { protocol: req.protocol, host: req.host, ip: req.ip ?? '' },
        body: req.body,
        ...(req.session ? { session: req.session as unknown as Record<string, unknown> } : {}),
      });
      if (out.fail) throw new Error('handler failed');
      if (out.tags) res.locals.cacheTags = out.tags;
      res.status(out.status ?? 200);
      for (const [name, value] of Object.entries(out.headers ?? {})) res.setHeader(name, value);
      if (out.stream)
        pipeline(
          out.stream((...tags) => addExpressTags(res, ...tags)),
          res,
          () => {},
        );
      else if (out.body === undefined) res.end();
      else if (typeof out.body === 'string' || Buffer.isBuffer(out.body)) res.send(out.body);
      else res.json(out.body);
    });
    app[route.method ?? 'get'](route.path, ...handlers);
  }
  const onAppError = spec.onAppError;
  if (onAppError)
    app.use((error: unknown, _req: express.Request, _res: express.Response, next: express.NextFunction) => {
      onAppError(error);
      next(error);
    });
  return listen(createServer(app));
};

export const koaApp: AppFactory = (spec) => {
  const app = new Koa();
  app.silent = true;
  app.proxy = spec.trustProxy === true;
  if (spec.onAppError) app.on('error', spec.onAppError);
  const router = new Router();
  if (spec.parseJson) app.use(parseJsonBody);
  if (spec.session) {
    app.keys = [SESSION_SECRET];
    app.use(koaSession({}, app));
  }
  if (spec.compression === 'outer') app.use(koaCompress(compressAll));
  if (spec.appCache) app.use(koaCache({ cache: spec.cache, ...spec.appCache }));
  if (spec.compression === 'inner') app.use(koaCompress(compressAll));
  for (const route of spec.routes) {
    const handlers: Koa.Middleware[] = [];
    for (const options of mounts(route)) handlers.push(koaCache({ cache: spec.cache, ...options }));
    handlers.push(async (ctx) => {
      const out = await route.handle({
        params: ctx.params as Record<string, string>,
        headers: ctx.headers,
        query: new URLSearchParams(ctx.querystring),
        origin: { protocol: ctx.protocol, host: ctx.host || undefined, ip: ctx.ip },
        body: (ctx.request as { body?: unknown }).body,
        ...(ctx.session ? { session: ctx.session as unknown as Record<string, unknown> } : {}),
      });
      if (out.fail) throw new Error('handler failed');
      if (out.tags) ctx.state.cacheTags = out.tags;
      ctx.status = out.status ?? 200;
      for (const [name, value] of Object.entries(out.headers ?? {})) ctx.set(name, value);
      if (out.stream) ctx.body = out.stream((...tags) => addKoaTags(ctx, ...tags));
      else if (out.body !== undefined) ctx.body = out.body;
    });
    // @koa/router types `purge` loosely: every method is registered the same way.
    const register = router[route.method ?? 'get'] as (
      path: string,
      ...middleware: RouterMiddleware[]
    ) => Router;
    register.call(router, route.path, ...(handlers as RouterMiddleware[]));
  }
  app.use(router.routes());
  return listen(createServer(app.callback()));
};

/** A minimal Koa JSON body parser (what `@koa/bodyparser` does): any method, bodies included. */
async function parseJsonBody(ctx: Koa.Context, next: Koa.Next): Promise<void> {
  if (ctx.is('application/json')) {
    let raw = '';
    for await (const chunk of ctx.req) raw += String(chunk);
    (ctx.request as { body?: unknown }).body = JSON.parse(raw);
  }
  await next();
}
