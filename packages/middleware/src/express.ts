/**
 * `@tagcache/middleware/express`: HTTP response caching for Express 5.
 * @packageDocumentation
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ExpressExchange } from './express/express-exchange.js';
import { handleRequest } from './http/engine.js';
import type { CacheResponsesOptions } from './http/options.js';
import { resolveSettings } from './http/settings.js';

export * from './index.js';

/** Options of the Express {@link cacheResponses}: key and tag functions also get the `Request`. */
export type ExpressCacheOptions = CacheResponsesOptions<Request>;

/**
 * Caches responses of the routes it guards (RFC 9111 rules for a shared cache, tags, CDN tag
 * header, single handler run per key under concurrency). Mount it after `compression` to
 * store identity bodies (compressed again on every hit), or before it to store compressed
 * ones (one entry per `Accept-Encoding`).
 *
 * @example
 * ```ts
 * app.use(cacheResponses({ cache, ttl: 60, tags: ['products'] }));
 * app.get('/products/:id', cacheResponses({ cache, ttl: '5m', tags: ['product:{params.id}'] }), handler);
 * ```
 */
export function cacheResponses(options: ExpressCacheOptions): RequestHandler {
  const settings = resolveSettings(options);
  return function cacheResponses(req: Request, res: Response, next: NextFunction): void {
    const exchange = new ExpressExchange(req, res, next, settings);
    handleRequest(settings, exchange).catch((error: unknown) => {
      if (!exchange.forwarded && !res.headersSent) next(error);
      else settings.logger.error({ err: error, url: req.originalUrl }, 'tagcache: response caching failed');
    });
  };
}

/** Adds tags to the response being produced (stored with it, and sent in the tag header). */
export function addCacheTags(res: Response, ...tags: string[]): void {
  const locals = res.locals as { cacheTags?: unknown };
  const current = Array.isArray(locals.cacheTags) ? (locals.cacheTags as string[]) : [];
  locals.cacheTags = [...current, ...tags];
}
