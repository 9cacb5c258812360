import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Router from '@koa/router';
import { CacheService, MemoryBackend } from '@tagcache/core';
import { cacheResponses as expressCache } from '@tagcache/middleware/express';
import { cacheResponses as koaCache } from '@tagcache/middleware/koa';
import express from 'express';
import Koa from 'koa';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deferred } from './support/backends.js';

/** How the adapters capture responses: Express's teed `write`/`end`/`sendFile`, Koa's `respond`, aborts. */

const open: { server: Server; cache: CacheService }[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const { server, cache } of open.splice(0)) {
    server.closeAllConnections();
    server.close();
    await cache.close();
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function serve(listener: Parameters<typeof createServer>[1], cache: CacheService): Promise<Server> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push({ server, cache });
  return server;
}

const memoryCache = (): CacheService => new CacheService({ backend: new MemoryBackend() });

describe('express capture', () => {
  it('caches a res.sendFile response and serves it on a hit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagcache-sendfile-'));
    dirs.push(dir);
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'file body '.repeat(100));
    const cache = memoryCache();
    let calls = 0;
    const app = express();
    app.get('/file', expressCache({ cache, ttl: 60 }), (_req, res, next) => {
      calls++;
      res.sendFile(file, (error) => error && next(error));
    });
    const http = request(await serve(app, cache));

    const miss = await http.get('/file');
    expect([miss.status, miss.headers['x-cache'], miss.text]).toEqual([
      200,
      'MISS',
      'file body '.repeat(100),
    ]);
    const hit = await http.get('/file');
    expect([hit.status, hit.headers['x-cache'], hit.text]).toEqual([200, 'HIT', 'file body '.repeat(100)]);
    expect(hit.headers['content-type']).toMatch(/^text\/plain/);
    expect(hit.headers['content-length']).toBe(String('file body '.repeat(100).length));
    expect(hit.headers['last-modified']).toBe(miss.headers['last-modified']);
    expect(calls).toBe(1);
  });

  it("keeps res.write()'s return value and calls the callbacks of every write/end form", async () => {
    const cache = memoryCache();
    const seen: { writes: boolean[]; callbacks: string[] } = { writes: [], callbacks: [] };
    const app = express();
    // Beneath the cache: a write that reports backpressure (false) every other call, so the
    // test can tell whether the tee hands back what the layer below returned.
    app.use((_req, res, nextLayer) => {
      const write = res.write;
      let n = 0;
      res.write = function (this: ServerResponse, ...args: unknown[]): boolean {
        (write as (...a: unknown[]) => boolean).apply(this, args);
        return n++ % 2 === 1;
      } as typeof res.write;
      nextLayer();
    });
    app.use(expressCache({ cache, ttl: 60 }));
    app.get('/end-cb', (_req, res) => {
      res.setHeader('content-type', 'text/plain');
      seen.writes.push(res.write('one '));
      seen.writes.push(res.write('two ', () => seen.callbacks.push('write')));
      seen.writes.push(res.write(Buffer.from('three '), 'utf8', () => seen.callbacks.push('write-encoding')));
      res.end(() => seen.callbacks.push('end(cb)'));
    });
    app.get('/end-chunk-cb', (_req, res) => {
      res.setHeader('content-type', 'text/plain');
      res.end('whole body', () => seen.callbacks.push('end(chunk, cb)'));
    });
    app.get('/end-chunk-encoding-cb', (_req, res) => {
      res.setHeader('content-type', 'text/plain');
      res.end('68656c6c6f', 'hex', () => seen.callbacks.push('end(chunk, encoding, cb)'));
    });
    const http = request(await serve(app, cache));

    expect((await http.get('/end-cb')).text).toBe('one two three ');
    expect(seen.writes).toEqual([false, true, false]);
    expect((await http.get('/end-chunk-cb')).text).toBe('whole body');
    expect((await http.get('/end-chunk-encoding-cb')).text).toBe('hello');
    await vi.waitFor(() =>
      expect([...seen.callbacks].sort()).toEqual(
        ['end(cb)', 'end(chunk, cb)', 'end(chunk, encoding, cb)', 'write', 'write-encoding'].sort(),
      ),
    );
    // Every form was captured whole: the next requests are hits with the same bodies.
    for (const [path, body] of [
      ['/end-cb', 'one two three '],
      ['/end-chunk-cb', 'whole body'],
      ['/end-chunk-encoding-cb', 'hello'],
    ] as const) {
      const hit = await http.get(path);
      expect([hit.headers['x-cache'], hit.text], path).toEqual(['HIT', body]);
    }
  });

  it('never stores a response the client abandoned mid-stream', async () => {
    const cache = memoryCache();
    const clientGone = deferred();
    let calls = 0;
    const app = express();
    app.get('/slow', expressCache({ cache, ttl: 60 }), async (_req, res) => {
      calls++;
      const first = calls === 1;
      if (first) res.once('close', () => clientGone.resolve());
      res.setHeader('content-type', 'text/plain');
      res.write('part one, ');
      if (first) await clientGone.promise;
      res.end('part two');
    });
    const server = await serve(app, cache);
    const { port } = server.address() as AddressInfo;

    // A client that reads the first bytes and hangs up.
    await new Promise<void>((resolve, reject) => {
      const req = get({ host: '127.0.0.1', port, path: '/slow', agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    });
    await clientGone.promise;

    const http = request(server);
    const next = await http.get('/slow');
    expect([next.headers['x-cache'], next.text]).toEqual(['MISS', 'part one, part two']);
    expect(calls).toBe(2);
    const hit = await http.get('/slow');
    expect([hit.headers['x-cache'], hit.text]).toEqual(['HIT', 'part one, part two']);
    expect(calls).toBe(2);
  });

  it('answers res.end(new Uint16Array(...)) as Express does without the cache (500), never a reset socket', async () => {
    const cache = memoryCache();
    const app = express();
    const typed: express.RequestHandler = (_req, res) => {
      res.end(new Uint16Array([104, 105]) as unknown as Uint8Array);
    };
    app.get('/plain', typed);
    app.get('/cached', expressCache({ cache, ttl: 60 }), typed);
    const http = request(await serve(app, cache));
    const plain = await http.get('/plain');
    expect(plain.status).toBe(500);
    for (let i = 0; i < 2; i++) {
      const cached = await http.get('/cached');
      expect([cached.status, cached.headers['x-cache']]).toEqual([plain.status, 'MISS']);
    }
  });
});

describe('koa capture', () => {
  it('never stores a response written with ctx.respond = false', async () => {
    const cache = memoryCache();
    let calls = 0;
    const app = new Koa();
    app.silent = true;
    const router = new Router();
    router.get('/raw', koaCache({ cache, ttl: 60 }), (ctx) => {
      calls++;
      ctx.respond = false;
      ctx.res.writeHead(200, { 'content-type': 'text/plain' });
      ctx.res.end(`raw ${calls}`);
    });
    app.use(router.routes());
    const http = request(await serve(app.callback(), cache));

    const first = await http.get('/raw');
    const second = await http.get('/raw');
    expect([first.status, first.text, second.status, second.text]).toEqual([200, 'raw 1', 200, 'raw 2']);
    expect(second.headers['x-cache']).not.toBe('HIT');
    expect(calls).toBe(2);
  });
});
