// Starts each example app the way its README says (npm scripts of the examples workspace), on an
// embedded SQLite file of its own and the memory backend, and drives it over HTTP like the curl
// lines it prints: MISS then HIT, a write through the admin endpoint, then the affected pages are
// misses and the others still hits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningExample, startExample } from './running-example.js';

interface Page {
  status: number;
  xCache: string | null;
  tags: string[];
  body: Record<string, unknown>;
}

describe.each([
  { app: 'Express', script: 'start' },
  { app: 'Koa', script: 'start:koa' },
])('examples/shop on $app (npm run $script -w examples)', ({ script }) => {
  const dir = mkdtempSync(join(tmpdir(), 'tagcache-example-'));
  let shop: RunningExample;

  beforeAll(async () => {
    shop = await startExample(script, { DATABASE_URL: `file:${join(dir, 'shop.db')}` });
  });
  afterAll(async () => {
    await shop?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function get(path: string): Promise<Page> {
    const response = await fetch(shop.url + path);
    return {
      status: response.status,
      xCache: response.headers.get('x-cache'),
      tags: (response.headers.get('cache-tag') ?? '').split(',').filter(Boolean),
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  async function put(
    path: string,
    body: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(shop.url + path, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /** A page never requested: a MISS, then a HIT with the same body. */
  async function missThenHit(path: string): Promise<Page> {
    const first = await get(path);
    expect(first.status, path).toBe(200);
    expect(first.xCache, path).toBe('MISS');
    const second = await becomesHit(path);
    expect(second.body).toEqual(first.body);
    return second;
  }

  /**
   * Requests `path` until it is a HIT. A page whose handler adds a tag at run time (lists add
   * one per product) is served but not stored while that tag's version is younger than the
   * core's `clockSkew` (1 s): a version that new might be an invalidation that raced the
   * handler. Pages with template tags only are stored by their first request.
   */
  async function becomesHit(path: string): Promise<Page> {
    let page: Page | undefined;
    await vi.waitFor(
      async () => {
        page = await get(path);
        expect(page.xCache, path).toBe('HIT');
      },
      { timeout: 10_000, interval: 100 },
    );
    return page!;
  }

  it('prints its URL and the curl lines to try', () => {
    expect(shop.output()).toMatch(/database: SQLite .*; cache: memory/);
    expect(shop.output()).toContain(`curl -i ${shop.url}/products/1`);
    expect(shop.output()).toContain(`curl -i -X PUT ${shop.url}/admin/products/1`);
  });

  it('serves a product page as a MISS, then a HIT, with its tag header', async () => {
    const page = await missThenHit('/products/1');
    expect(page.tags).toEqual(['product:1']);
    expect(page.body).toMatchObject({ id: 1, sku: 'KIT-001', category: { slug: 'kitchen' } });
  });

  it('tags list pages with the list and every product they show', async () => {
    const list = await missThenHit('/products?page=1');
    expect(list.tags).toEqual(['products', ...Array.from({ length: 10 }, (_, i) => `product:${i + 1}`)]);
    const category = await missThenHit('/categories/garden');
    expect(category.tags).toEqual(['category:garden', ...[7, 8, 9, 10, 11, 12].map((id) => `product:${id}`)]);
  });

  it('invalidates exactly the pages that show a product when the admin endpoint changes it', async () => {
    await missThenHit('/products/2');
    await missThenHit('/products?page=3');
    await missThenHit('/categories/kitchen');
    await becomesHit('/products/1');
    await becomesHit('/products?page=1');

    const write = await put('/admin/products/1', { price: '24.50' });
    expect(write.status).toBe(200);
    expect(write.body.invalidated).toEqual(['product:1']);

    const product = await get('/products/1');
    expect(product.xCache).toBe('MISS');
    expect(Number((product.body as { price: string }).price)).toBe(24.5);
    expect((await get('/products/1')).xCache).toBe('HIT'); // template tags only: stored at once
    expect((await get('/products?page=1')).xCache).toBe('MISS'); // shows product 1
    expect((await get('/categories/kitchen')).xCache).toBe('MISS'); // shows product 1
    expect((await get('/products/2')).xCache).toBe('HIT');
    expect((await get('/products?page=3')).xCache).toBe('HIT');
    expect((await get('/categories/garden')).xCache).toBe('HIT');
  });

  it('mounts the dashboard at /_cache and Prometheus metrics at /metrics (loopback only)', async () => {
    expect(shop.output()).toContain(`${shop.url}/_cache`);
    const page = await fetch(`${shop.url}/_cache`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>tagcache dashboard</title>');
    const state = (await (await fetch(`${shop.url}/_cache/state.json`)).json()) as {
      routes: { name: string }[];
      models: { name: string }[];
      invalidations: { origin: string; detail: string; tags: string[] }[];
    };
    // Earlier tests requested pages and wrote through the admin endpoint.
    expect(state.routes.map((r) => r.name)).toContain('GET /products/:id');
    expect(state.models.map((m) => m.name)).toContain('Product.findUnique');
    expect(state.invalidations.map((i) => i.origin)).toEqual(expect.arrayContaining(['http', 'prisma']));
    expect(state.invalidations.find((i) => i.origin === 'http')?.detail).toBe('PUT /admin/products/:id');
    const metrics = await (await fetch(`${shop.url}/metrics`)).text();
    expect(metrics).toMatch(/tagcache_reads_total\{[^}]*route="\/products\/:id"/);
    expect(metrics).toMatch(/tagcache_reads_total\{[^}]*model="Product"/);
    expect(metrics).toMatch(/tagcache_invalidations_total\{[^}]*origin="prisma"\} [1-9]/);
  });

  it('invalidates both category pages when a product moves', async () => {
    await missThenHit('/categories/office');
    await becomesHit('/categories/garden');
    const write = await put('/admin/products/2', { category: 'garden' });
    expect(write.body.invalidated).toEqual(['product:2', 'category:kitchen', 'category:garden']);
    const garden = await get('/categories/garden');
    expect(garden.xCache).toBe('MISS');
    expect(garden.tags).toContain('product:2');
    expect((await get('/categories/kitchen')).xCache).toBe('MISS');
    expect((await get('/categories/office')).xCache).toBe('HIT');
  });

  it('recomputes the stats (CacheService.getOrSet, custom key) only after a product changes', async () => {
    const before = (await get('/stats')).body;
    expect((await get('/stats')).body).toEqual(before); // same computedAt: served from the cache
    await put('/admin/products/3', { stock: 0 });
    const after = (await get('/stats')).body;
    expect(after.computedAt).not.toEqual(before.computedAt);
    expect(after.unitsInStock).toBe((before.unitsInStock as number) - 25);
  });

  it('answers 400 to a bad write and 404 to an unknown product, and caches neither', async () => {
    expect((await put('/admin/products/1', { price: 'cheap' })).status).toBe(400);
    expect((await put('/admin/products/999', { stock: 1 })).status).toBe(404);
    expect((await get('/products/1')).xCache).toBe('HIT');
  });
});
