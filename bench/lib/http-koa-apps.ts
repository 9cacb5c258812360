/**
 * The Koa 3 servers of the `koa` scenario, one per variant: @koa/router serving GET
 * {@link ROUTE} with the same pre-serialized JSON body; tagcache sits on the route, koa-cash is
 * mounted on the app and asked by the handler (`await ctx.cashed()`), as its README shows.
 */
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import Router, { type RouterMiddleware } from '@koa/router';
import { CacheService, MemoryBackend, RedisBackend } from '@tagcache/core';
import { cacheResponses } from '@tagcache/middleware/koa';
import Koa, { type Context, type Middleware } from 'koa';
import { BODY, CONTENT_TYPE, HIT_HEADERS, ROUTE, STORED_ETAG } from './http-payload.js';
import type { BenchApp, ServerEnv } from './http-server-types.js';

/** koa-cash ships no types: the part of its API used here. */
type KoaCash = (options: {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  setCachedHeader?: boolean;
}) => Middleware;
const koaCash = createRequire(import.meta.url)('koa-cash') as KoaCash;

const TTL_SECONDS = 3600;

function send(ctx: Context, counter: { calls: number }): void {
  counter.calls++;
  ctx.type = CONTENT_TYPE;
  ctx.body = BODY;
}

function listener(app: Koa, router: Router): BenchApp['server'] {
  app.use(router.routes());
  return createServer(app.callback());
}

/** The cached route; `quiet` turns off the optional headers (X-Cache, Cache-Status, tag header). */
function tagcacheApp(cache: CacheService, counter: { calls: number }, quiet = false): BenchApp['server'] {
  const router = new Router();
  const cached = cacheResponses({
    cache,
    ttl: TTL_SECONDS,
    tags: ['products'],
    ...(quiet ? { xCache: false, cacheStatus: false, tagHeader: false } : {}),
  });
  router.get(ROUTE, cached as RouterMiddleware, (ctx) => send(ctx, counter));
  return listener(new Koa(), router);
}

/** Variant name → server factory. */
export const koaApps: Record<string, (env: ServerEnv) => Promise<BenchApp>> = {
  async 'koa-bare'() {
    const counter = { calls: 0 };
    const router = new Router();
    router.get(ROUTE, (ctx) => send(ctx, counter));
    return { server: listener(new Koa(), router), counter, close: async () => {} };
  },

  async 'koa-tagcache-memory'() {
    const counter = { calls: 0 };
    const cache = new CacheService({ backend: new MemoryBackend(), defaultTtl: '1h' });
    return { server: tagcacheApp(cache, counter), counter, close: () => cache.close() };
  },

  async 'koa-bare-hit-headers'() {
    const counter = { calls: 0 };
    const router = new Router();
    router.get(ROUTE, (ctx) => {
      send(ctx, counter);
      ctx.set(HIT_HEADERS);
      ctx.set('etag', STORED_ETAG);
    });
    return { server: listener(new Koa(), router), counter, close: async () => {} };
  },

  async 'koa-tagcache-memory-quiet'() {
    const counter = { calls: 0 };
    const cache = new CacheService({ backend: new MemoryBackend(), defaultTtl: '1h' });
    return { server: tagcacheApp(cache, counter, true), counter, close: () => cache.close() };
  },

  async 'koa-tagcache-redis'(env) {
    if (env.redisUrl === undefined) throw new Error('this variant needs BENCH_REDIS_URL');
    const counter = { calls: 0 };
    const cache = new CacheService({
      backend: new RedisBackend({ url: env.redisUrl }),
      prefix: `bench-http:${process.pid}:`,
      defaultTtl: '1h',
    });
    return { server: tagcacheApp(cache, counter), counter, close: () => cache.close() };
  },

  async 'koa-cash'() {
    const counter = { calls: 0 };
    const store = new Map<string, unknown>();
    const app = new Koa();
    app.use(
      koaCash({
        get: async (key) => store.get(key),
        set: async (key, value) => {
          store.set(key, value);
        },
        setCachedHeader: true,
      }),
    );
    const router = new Router();
    router.get(ROUTE, async (ctx) => {
      if (await (ctx as unknown as { cashed(): Promise<boolean> }).cashed()) return;
      send(ctx, counter);
    });
    return { server: listener(app, router), counter, close: async () => {} };
  },
};
