/**
 * The Express 5 servers of the `express` scenario (and raw node:http), one per variant. Each
 * answers GET {@link ROUTE} with the same pre-serialized JSON body; cached variants put their
 * middleware on the route, as their READMEs show, in front of the same handler.
 */
import { createServer, type RequestListener } from 'node:http';
import { createRequire } from 'node:module';
import { CacheService, MemoryBackend, RedisBackend } from '@tagcache/core';
import { cacheResponses } from '@tagcache/middleware/express';
import express, { type RequestHandler } from 'express';
import { Redis } from 'ioredis';
import { BODY, CONTENT_TYPE, HIT_HEADERS, ROUTE } from './http-payload.js';
import type { BenchApp, ServerEnv } from './http-server-types.js';

/** apicache ships no types: the part of its API used here. */
interface ApicacheInstance {
  middleware(duration: string): RequestHandler;
}
interface Apicache {
  newInstance(options: Record<string, unknown>): ApicacheInstance;
}
const apicache = createRequire(import.meta.url)('apicache') as Apicache;

const TTL_SECONDS = 3600;

/** The route handler every Express variant ends in: counts its calls, sends the body. */
function handler(counter: { calls: number }): RequestHandler {
  return (_req, res) => {
    counter.calls++;
    res.set('Content-Type', CONTENT_TYPE);
    res.send(BODY);
  };
}

function app(counter: { calls: number }, cache?: RequestHandler): RequestListener {
  const instance = express();
  if (cache === undefined) instance.get(ROUTE, handler(counter));
  else instance.get(ROUTE, cache, handler(counter));
  return instance as unknown as RequestListener;
}

/** The cached route; `quiet` turns off the optional headers (X-Cache, Cache-Status, tag header). */
function tagcacheApp(cache: CacheService, counter: { calls: number }, quiet = false): RequestListener {
  const optional = quiet ? { xCache: false, cacheStatus: false as const, tagHeader: false as const } : {};
  return app(counter, cacheResponses({ cache, ttl: TTL_SECONDS, tags: ['products'], ...optional }));
}

function requireRedis(env: ServerEnv): string {
  if (env.redisUrl === undefined) throw new Error('this variant needs BENCH_REDIS_URL');
  return env.redisUrl;
}

/**
 * apicache's Redis mode expects a node-redis v3 client: callback-style `hgetall`/`hset`/
 * `expire` and a `connected` flag (without it every request is a miss). ioredis takes
 * node-style callbacks (apicache's changelog lists ioredis support since 1.2.0); only the
 * `connected` flag is missing, so it is mapped to ioredis's `status`.
 */
function apicacheRedisClient(url: string): Redis {
  const client = new Redis(url);
  Object.defineProperty(client, 'connected', { get: () => client.status === 'ready' });
  return client;
}

/** Variant name → server factory. */
export const expressApps: Record<string, (env: ServerEnv) => Promise<BenchApp>> = {
  async 'node-http'() {
    const counter = { calls: 0 };
    const bytes = Buffer.from(BODY);
    const server = createServer((req, res) => {
      counter.calls++;
      if (req.url !== ROUTE) {
        res.statusCode = 404;
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': CONTENT_TYPE, 'content-length': bytes.length });
      res.end(bytes);
    });
    return { server, counter, close: async () => {} };
  },

  async 'express-bare'() {
    const counter = { calls: 0 };
    return { server: createServer(app(counter)), counter, close: async () => {} };
  },

  async 'express-tagcache-memory'() {
    const counter = { calls: 0 };
    const cache = new CacheService({ backend: new MemoryBackend(), defaultTtl: '1h' });
    return { server: createServer(tagcacheApp(cache, counter)), counter, close: () => cache.close() };
  },

  async 'express-bare-hit-headers'() {
    const counter = { calls: 0 };
    const send = handler(counter);
    // The headers set in the route's one handler, as the Koa twin does: no extra layer.
    const instance = express();
    instance.get(ROUTE, (req, res, next) => {
      res.set(HIT_HEADERS);
      send(req, res, next);
    });
    return { server: createServer(instance as unknown as RequestListener), counter, close: async () => {} };
  },

  async 'express-tagcache-memory-quiet'() {
    const counter = { calls: 0 };
    const cache = new CacheService({ backend: new MemoryBackend(), defaultTtl: '1h' });
    return { server: createServer(tagcacheApp(cache, counter, true)), counter, close: () => cache.close() };
  },

  async 'express-tagcache-redis'(env) {
    const counter = { calls: 0 };
    const cache = new CacheService({
      backend: new RedisBackend({ url: requireRedis(env) }),
      prefix: `bench-http:${process.pid}:`,
      defaultTtl: '1h',
    });
    return { server: createServer(tagcacheApp(cache, counter)), counter, close: () => cache.close() };
  },

  async 'express-apicache-memory'() {
    const counter = { calls: 0 };
    const instance = apicache.newInstance({ defaultDuration: '1 hour' });
    return {
      server: createServer(app(counter, instance.middleware('1 hour'))),
      counter,
      close: async () => {},
    };
  },

  async 'express-apicache-redis'(env) {
    const counter = { calls: 0 };
    const client = apicacheRedisClient(requireRedis(env));
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('error', reject);
    });
    // Each server process keys its own entries (a variant runs in several processes, as
    // tagcache's Redis variant does with its prefix): a process's first request is its miss.
    const pid = String(process.pid);
    const instance = apicache.newInstance({
      defaultDuration: '1 hour',
      redisClient: client,
      appendKey: () => pid,
    });
    return {
      server: createServer(app(counter, instance.middleware('1 hour'))),
      counter,
      close: async () => {
        client.disconnect();
      },
    };
  },
};
