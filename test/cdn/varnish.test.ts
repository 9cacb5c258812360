import {
  createServer,
  type IncomingHttpHeaders,
  type RequestListener,
  request,
  type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { varnishPurger } from '@tagcache/cdn';
import { type CacheEvents, CacheService, MemoryBackend } from '@tagcache/core';
import { cacheResponses } from '@tagcache/middleware/express';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startVarnish, varnishdPath } from '../support/servers.js';

/**
 * A real varnishd (with vmod_xkey) running examples/varnish/default.vcl in front of an Express
 * app whose CacheService purges it: Varnish caches pages, a write through Varnish purges the
 * page it changed, and only that one.
 */
const available = varnishdPath() !== undefined;
if (!available && process.env.CI === 'true') {
  throw new Error('CI=true: varnishd is missing (apt-get install -y varnish varnish-modules)');
}
if (!available) console.warn('\n⚠⚠⚠ varnishd not installed: SKIPPING the Varnish tests ⚠⚠⚠\n');

const vcl = fileURLToPath(new URL('../../examples/varnish/default.vcl', import.meta.url));

describe.skipIf(!available)('Varnish purged by tag (real varnishd, examples/varnish/default.vcl)', () => {
  const products = new Map([
    ['1', { name: 'Lamp', price: 10 }],
    ['2', { name: 'Desk', price: 99 }],
  ]);
  const handled = new Map<string, number>();
  const purges: CacheEvents['purge'][] = [];
  let app: RequestListener | undefined;
  let origin: Server;
  let varnish: RunningServer;
  let cache: CacheService;
  let front: string;

  beforeAll(async () => {
    origin = createServer((req, res) => app?.(req, res));
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    varnish = await startVarnish(vcl, (origin.address() as AddressInfo).port);
    front = `http://127.0.0.1:${varnish.port}`;
    cache = new CacheService({
      backend: new MemoryBackend(),
      purgers: [varnishPurger({ url: `${front}/` })],
      purge: { repurgeAfter: false },
    });
    cache.on('purge', (event) => purges.push(event));
    const shop = express();
    shop.get(
      '/products/:id',
      cacheResponses({ cache, ttl: 60, tags: ['product:{params.id}'] }),
      (req, res) => {
        const id = String(req.params.id);
        handled.set(id, (handled.get(id) ?? 0) + 1);
        res.set('Cache-Control', 'public, s-maxage=60');
        res.json(products.get(id));
      },
    );
    shop.post('/products/:id', express.json(), async (req, res) => {
      products.set(req.params.id, { ...products.get(req.params.id)!, ...(req.body as object) });
      await cache.invalidateTags([`product:${req.params.id}`]);
      res.json({ ok: true });
    });
    app = shop as unknown as RequestListener;
  });

  afterAll(async () => {
    await cache?.close();
    await varnish?.stop();
    await new Promise((resolve) => origin?.close(resolve));
  });

  /** X-Varnish holds two transaction ids on a hit (this request's and the stored object's). */
  const servedFromVarnish = (response: Response) =>
    response.headers.get('x-varnish')?.split(' ').length === 2;

  it('caches a page: its Age grows and the handler does not run again; xkey never reaches the client', async () => {
    const first = await fetch(`${front}/products/1`);
    expect(await first.json()).toEqual({ name: 'Lamp', price: 10 });
    expect(first.headers.get('xkey')).toBeNull();
    // Straight to the app, with the Host Varnish forwards (the cache key names the host and port).
    const direct = await getDirect(
      (origin.address() as AddressInfo).port,
      '/products/1',
      new URL(front).host,
    );
    expect(direct.xkey).toBe('product:1'); // what Varnish indexes the page under
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // Age counts whole seconds
    const second = await fetch(`${front}/products/1`);
    expect(await second.json()).toEqual({ name: 'Lamp', price: 10 });
    expect(servedFromVarnish(second)).toBe(true);
    expect(Number(second.headers.get('age'))).toBeGreaterThanOrEqual(1);
    expect(handled.get('1')).toBe(1);
  });

  it('a write through Varnish purges that page there; the next request reaches the app and shows the new data', async () => {
    await fetch(`${front}/products/2`);
    expect(handled.get('2')).toBe(1);
    const write = await fetch(`${front}/products/1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ price: 12 }),
    });
    expect(write.status).toBe(200);
    await cache.settlePurges();
    expect(purges.map((p) => [p.purger, p.tags])).toEqual([['varnish', ['product:1']]]);
    const after = await fetch(`${front}/products/1`);
    expect(await after.json()).toEqual({ name: 'Lamp', price: 12 });
    expect(servedFromVarnish(after)).toBe(false);
    expect(handled.get('1')).toBe(2);

    const other = await fetch(`${front}/products/2`);
    expect(servedFromVarnish(other)).toBe(true);
    expect(handled.get('2')).toBe(1);
  });

  it('the VCL answers PURGE itself: 200 with a count for xkey-purge, 400 without a tag header', async () => {
    const purge = (headers: Record<string, string>) => fetch(`${front}/`, { method: 'PURGE', headers });
    const unknown = await purge({ 'xkey-purge': 'nothing-tagged-so' });
    expect([unknown.status, unknown.statusText]).toEqual([200, 'Invalidated 0 objects']);
    await fetch(`${front}/products/2`);
    const soft = await purge({ 'xkey-softpurge': 'product:2' });
    expect([soft.status, soft.statusText]).toEqual([200, 'Invalidated 1 objects']);
    expect((await purge({})).status).toBe(400);
  });
});

/** A GET straight to the app with a given Host (fetch always sends the URL's): the response headers. */
function getDirect(port: number, path: string, host: string): Promise<IncomingHttpHeaders> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.headers));
    });
    req.on('error', reject);
    req.end();
  });
}
