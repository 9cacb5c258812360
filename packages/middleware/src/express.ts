/**
 * `@tagcache/middleware/express`: HTTP response caching for Express 5.
 * @packageDocumentation
 */
import type { NextFunction, Request, Response } from 'express';
import { ExpressExchange } from './express/express-exchange.js';
import { handleRequest } from './http/engine.js';
import type { CacheResponsesOptions } from './http/options.js';
import { resolveSettings } from './http/settings.js';

export * from './index.js';

/**
 * The handler {@link cacheResponses} returns: an Express `RequestHandler` for any route's
 * parameter, body, query and locals types. Generic in those, so that on a route
 * (`app.get('/products/:id', cacheResponses(...), (req, res) => ...)`) Express still infers the
 * route's own types for the handlers after it (`req.params.id: string`); a plain
 * `RequestHandler` would pin them to `ParamsDictionary`.
 */
export type CachingHandler = <
  P = Request['params'],
  ResBody = unknown,
  ReqBody = unknown,
  ReqQuery = Request['query'],
  Locals extends Record<string, unknown> = Record<string, unknown>,
>(
  req: Request<P, ResBody, ReqBody, ReqQuery, Locals>,
  res: Response<ResBody, Locals>,
  next: NextFunction,
) => void;

/** Options of the Express {@link cacheResponses}: key and tag functions also get the `Request`. */
export type ExpressCacheOptions = CacheResponsesOptions<Request>;

/**
 * Caches responses of the routes it guards (RFC 9111 rules for a shared cache, tags, CDN tag
 * header, single handler run per key under concurrency). Mount it after `compression` to
 * store identity bodies (compressed again on every hit), or before it to store compressed
 * ones (one entry per `Accept-Encoding`).
 *
 * The handler it returns keeps the route's types for the handlers after it (see
 * {@link CachingHandler}).
 *
 * @example
 * ```ts
 * app.use(cacheResponses({ cache, ttl: 60, tags: ['products'] }));
 * app.get('/products/:id', cacheResponses({ cache, ttl: '5m', tags: ['product:{params.id}'] }), handler);
 * ```
 */
export function cacheResponses(options: ExpressCacheOptions): CachingHandler {
  const settings = resolveSettings(options);
  // The type parameters of CachingHandler only carry the route's types past this handler.
  return function cacheResponses(req: Request, res: Response, next: NextFunction): void {
    const exchange = new ExpressExchange(req, res, next, settings);
    // `undefined`: a hit held in this process, sent synchronously.
    handleRequest(settings, exchange)?.catch((error: unknown) => {
      if (!exchange.forwarded && !res.headersSent) next(error);
      else settings.logger.error({ err: error, url: req.originalUrl }, 'tagcache: response caching failed');
    });
  } as CachingHandler;
}

/** Adds tags to the response being produced (stored with it, and sent in the tag header). */
export function addCacheTags(res: Response, ...tags: string[]): void {
  const locals = res.locals as { cacheTags?: unknown };
  const current = Array.isArray(locals.cacheTags) ? (locals.cacheTags as string[]) : [];
  locals.cacheTags = [...current, ...tags];
}
