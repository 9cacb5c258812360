import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { CacheService, MemoryBackend } from '@tagcache/core';
import type { RequestInfo } from '@tagcache/middleware';
import { cacheResponses as expressCache } from '@tagcache/middleware/express';
import { cacheResponses as koaCache } from '@tagcache/middleware/koa';
import express from 'express';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * The middleware reads the scheme and host without the frameworks' getters in the common case
 * (no trusted proxy, a plain `Host`); whatever a request sends, what keys see must be exactly
 * what `req.protocol`/`req.host` (Express) and `ctx.protocol`/`ctx.host` (Koa) say.
 */

const closing: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((close) => close()));
});

/** Request heads sent as they are (a client library would tidy some of them). */
const HEADS: readonly string[] = [
  'GET /page HTTP/1.1\r\nHost: shop.example\r\n',
  'GET /page HTTP/1.1\r\nHost: shop.example:8443\r\n',
  'GET /page HTTP/1.1\r\nHost: a.example, b.example\r\n',
  'GET /page HTTP/1.1\r\nHost: a.example ,b.example\r\n',
  'GET /page HTTP/1.1\r\nHost: user@shop.example\r\n',
  'GET /page HTTP/1.1\r\nHost: user:pw@shop.example:81\r\n',
  'GET /page HTTP/1.1\r\nHost:\r\n',
  // Sent as latin1: a no-break space, which String.prototype.trim removes (Koa trims the host).
  'GET /page HTTP/1.1\r\nHost: shop.example\u00a0\r\n',
  'GET /page HTTP/1.1\r\nHost: \u00a0shop.example\r\n',
  'GET /page HTTP/1.0\r\n',
  'GET /page HTTP/1.1\r\nHost: shop.example\r\nX-Forwarded-Host: evil.example\r\nX-Forwarded-Proto: https\r\n',
  'GET /page HTTP/1.1\r\nHost: shop.example\r\nX-Forwarded-Host: a.example, b.example\r\nX-Forwarded-Proto: https, http\r\n',
  'GET /page HTTP/1.1\r\nHost: shop.example\r\nX-Forwarded-Proto: https\r\n',
];

interface Origin {
  readonly protocol: string;
  readonly host: string | undefined;
}

/** What the framework said and what the key function was given, by probe number. */
interface Seen {
  readonly framework: Map<string, Origin>;
  readonly keys: Map<string, Origin>;
}

function probeOf(headers: Record<string, string | string[] | undefined>): string {
  return String(headers['x-probe']);
}

/** Every request a key was built for saw the framework's origin; only host-less ones were not keyed. */
function expectSameOrigins(seen: Seen): void {
  expect(seen.framework.size).toBe(HEADS.length);
  const unkeyed = [...seen.framework].filter(([probe]) => !seen.keys.has(probe));
  expect(unkeyed.map(([, origin]) => origin.host)).toEqual([undefined, undefined]);
  for (const [probe, origin] of seen.keys)
    expect({ probe, ...origin }).toEqual({ probe, ...seen.framework.get(probe) });
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closing.push(() => new Promise((resolve) => server.close(resolve)));
  return (server.address() as AddressInfo).port;
}

/** Sends one raw request head (with its probe number) and waits for the server to close the connection. */
function send(port: number, head: string, probe: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.end(Buffer.from(`${head}X-Probe: ${probe}\r\nConnection: close\r\n\r\n`, 'latin1')),
    );
    socket.on('data', () => {});
    socket.on('error', reject);
    socket.on('close', () => resolve());
  });
}

function cacheFor(seen: Seen) {
  const cache = new CacheService({ backend: new MemoryBackend() });
  closing.push(() => cache.close());
  let n = 0;
  return {
    cache,
    ttl: 60,
    key: (request: RequestInfo) => {
      seen.keys.set(probeOf(request.headers), { protocol: request.protocol, host: request.host });
      return `k${n++}`;
    },
  };
}

describe.each([false, true])('the origin keys see is the framework’s (trusted proxy: %s)', (trusted) => {
  it('express', async () => {
    const seen: Seen = { framework: new Map(), keys: new Map() };
    const app = express();
    app.set('trust proxy', trusted);
    app.get(
      '/page',
      (req, _res, next) => {
        seen.framework.set(probeOf(req.headers), { protocol: req.protocol, host: req.host });
        next();
      },
      expressCache(cacheFor(seen)),
      (_req, res) => {
        res.send('page');
      },
    );
    const port = await listen(createServer(app));
    for (const [probe, head] of HEADS.entries()) await send(port, head, probe);
    expectSameOrigins(seen);
  });

  it('koa', async () => {
    const seen: Seen = { framework: new Map(), keys: new Map() };
    const app = new Koa({ proxy: trusted });
    app.use(async (ctx, next) => {
      seen.framework.set(probeOf(ctx.req.headers), {
        protocol: ctx.protocol,
        host: ctx.host === '' ? undefined : ctx.host,
      });
      await next();
    });
    app.use(koaCache(cacheFor(seen)));
    app.use((ctx) => {
      ctx.body = 'page';
    });
    const port = await listen(createServer(app.callback()));
    for (const [probe, head] of HEADS.entries()) await send(port, head, probe);
    expectSameOrigins(seen);
  });
});
