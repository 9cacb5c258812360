/**
 * `@tagcache/middleware/koa`: HTTP response caching for Koa 3.
 * @packageDocumentation
 */
import type { Context, Middleware, Next } from 'koa';
import { handleRequest } from './http/engine.js';
import type { CacheResponsesOptions } from './http/options.js';
import { resolveSettings } from './http/settings.js';
import { KoaExchange } from './koa/koa-exchange.js';

export * from './index.js';

/** Options of the Koa {@link cacheResponses}: key and tag functions also get the `Context`. */
export type KoaCacheOptions = CacheResponsesOptions<Context>;

/**
 * Caches responses of the routes it guards (RFC 9111 rules for a shared cache, tags, CDN tag
 * header, single handler run per key under concurrency). Register it after `koa-compress` to
 * store identity bodies (compressed again on every hit), or before it to store compressed
 * ones (one entry per `Accept-Encoding`).
 *
 * @example
 * ```ts
 * app.use(cacheResponses({ cache, ttl: 60 }));
 * router.get('/products/:id', cacheResponses({ cache, tags: ['product:{params.id}'] }), handler);
 * ```
 */
export function cacheResponses(options: KoaCacheOptions): Middleware {
  const settings = resolveSettings(options);
  return function cacheResponses(ctx: Context, next: Next): Promise<void> {
    const exchange = new KoaExchange(ctx, next);
    const handling = handleRequest(settings, exchange);
    // A hit held in this process was sent synchronously: no promise of its own.
    if (handling === undefined) return SENT;
    // Settles when the request is handled, or as soon as a captured response is released to
    // Koa (a streamed body is still being copied).
    return new Promise<void>((resolve, reject) => {
      exchange.onRelease(resolve);
      handling.then(resolve, (error: unknown) => {
        if (!exchange.isReleased) {
          reject(error);
          return;
        }
        settings.logger.error({ err: error, url: ctx.originalUrl }, 'tagcache: response caching failed');
      });
    });
  };
}

/** What the middleware returns when it answered synchronously. */
const SENT: Promise<void> = Promise.resolve();

/** Adds tags to the response being produced (stored with it, and sent in the tag header). */
export function addCacheTags(ctx: Context, ...tags: string[]): void {
  const state = ctx.state as { cacheTags?: unknown };
  const current = Array.isArray(state.cacheTags) ? (state.cacheTags as string[]) : [];
  state.cacheTags = [...current, ...tags];
}
