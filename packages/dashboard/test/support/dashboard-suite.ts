import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CacheService, CacheUsageError, MemoryBackend, type Purger } from '@tagcache/core';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.js';

/** What a framework's test app exposes to the shared suite. */
export interface DashboardApp {
  readonly server: Server;
  close(): void;
}

/** Builds the app: `/products/:id` cached with tag `product:{id}`, the dashboard at `/_cache`, metrics at `/metrics`. */
export type AppFactory = (
  cache: CacheService,
  authorize: (headers: Readonly<Record<string, string | string[] | undefined>>) => boolean,
  options?: { readonly showValues?: boolean },
) => Promise<DashboardApp> | DashboardApp;

// The callbacks below run in the browser (no DOM lib in this project's types).
declare const document: {
  getElementById(
    id: string,
  ): { textContent: string | null; getAttribute(name: string): string | null } | null;
  querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }>;
};
declare const window: unknown;

const SCRIPT_KEY = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2">';

/** The same browser-driven behaviour for the Express and Koa dashboards. */
export function dashboardSuite(framework: string, makeApp: AppFactory, screenshot?: string): void {
  describe(`cacheDashboard (${framework}) in headless Chromium`, () => {
    let cache: CacheService;
    let app: DashboardApp;
    let base: string;
    let browser: Browser;
    let page: Page;
    const dialogs: string[] = [];
    const purged: string[] = [];

    beforeAll(async () => {
      // A purger of our own (the Purger contract; @tagcache/cdn's talk to real CDNs): it records.
      const cdn: Purger = {
        name: 'test-cdn',
        batch: { maxTags: 100 },
        purge: async (tags) => void purged.push(...tags),
      };
      cache = new CacheService({ name: 'pages', backend: new MemoryBackend(), purgers: [cdn] });
      app = await makeApp(cache, (headers) => headers['x-user'] !== 'mallory');
      await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      browser = await launchBrowser();
      page = await browser.newPage();
      await page.setViewport({ width: 900, height: 1100 });
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.goto(`${base}/_cache`);
      await page.waitForFunction(() => document.getElementById('live')?.textContent === 'live');
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      app?.close();
      await new Promise((resolve) => app?.server.close(resolve));
      await cache?.close();
    });

    const text = (selector: string): Promise<string> => page.$eval(selector, (e) => e.textContent ?? '');
    const rowsOf = (id: string): Promise<string[][]> =>
      page.$$eval(`#${id} tr`, (rows) =>
        rows.map((r) =>
          Array.from(r.querySelectorAll('td'), (td: { textContent: string | null }) => td.textContent ?? ''),
        ),
      );

    it('requests to the app move the numbers, the route table and the chart', async () => {
      const before = Number(await page.$eval('#chart', (svg) => svg.getAttribute('data-reads')));
      const statuses: string[] = [];
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`${base}/products/1`);
        statuses.push(response.headers.get('x-cache') ?? '');
      }
      expect(statuses).toEqual(['MISS', 'HIT', 'HIT']);
      await page.waitForFunction(
        (n) => Number(document.getElementById('chart')?.getAttribute('data-reads')) >= n,
        { timeout: 10_000 },
        before + 3,
      );
      expect(await page.$$eval('#chart rect', (bars) => bars.length)).toBeGreaterThan(0);
      expect(await text('#ratio')).toMatch(/%/);
      await page.waitForFunction(() =>
        document.getElementById('routes')?.textContent?.includes('GET /products/:id'),
      );
      const route = (await rowsOf('routes')).find((r) => r[1] === 'GET /products/:id');
      // cache, name, hits, stale, misses, ratio, loads, mean load ms: the template, never /products/1
      expect(route?.slice(0, 5)).toEqual(['pages', 'GET /products/:id', '2', '0', '1']);
      expect(route?.[6]).toBe('1');
      const backend = (await rowsOf('backends'))[0];
      expect(backend?.slice(0, 4)).toEqual(['pages', 'memory', 'healthy', 'closed']);
      expect(Number(backend?.[7])).toBeGreaterThan(0); // memory entries
    });

    it('invalidating a tag through the form makes the next request a miss, and lists the invalidation', async () => {
      expect((await fetch(`${base}/products/1`)).headers.get('x-cache')).toBe('HIT');
      await page.type('form[action$="/invalidate"] input[name="tags"]', 'product:1');
      await page.click('form[action$="/invalidate"] button');
      await page.waitForFunction(() =>
        document.getElementById('status')?.textContent?.startsWith('invalidated'),
      );
      expect((await fetch(`${base}/products/1`)).headers.get('x-cache')).toBe('MISS');
      await page.waitForFunction(() =>
        document.getElementById('invalidations')?.textContent?.includes('product:1'),
      );
      const row = (await rowsOf('invalidations'))[0];
      expect(row?.slice(1)).toEqual(['pages', 'manual', '', 'product:1']);
      // and the CDN purge it queued
      await page.waitForFunction(() => document.getElementById('purges')?.textContent?.includes('product:1'));
      expect((await rowsOf('purges'))[0]?.slice(1)).toEqual([
        'pages',
        'test-cdn',
        'purged',
        'product:1',
        '1',
      ]);
      expect(purged).toContain('product:1');
    });

    it('a key containing <script> renders as text', async () => {
      await cache.getOrSet(SCRIPT_KEY, () => 'v');
      for (let i = 0; i < 20; i++) await cache.getOrSet(SCRIPT_KEY, () => 'v');
      await page.waitForFunction(
        (key) => Array.from(document.querySelectorAll('#hotkeys td')).some((td) => td.textContent === key),
        { timeout: 10_000 },
        SCRIPT_KEY,
      );
      expect(await page.$$eval('#hotkeys script, #hotkeys img', (found) => found.length)).toBe(0);
      expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(dialogs).toEqual([]);
      if (screenshot !== undefined) {
        mkdirSync(new URL('.', `file://${screenshot}`).pathname, { recursive: true });
        await page.screenshot({ path: screenshot as `${string}.png`, fullPage: true });
      }
    });

    it('an unauthorised request gets 403, for the page, its data and its actions', async () => {
      const headers = { 'x-user': 'mallory' };
      expect((await fetch(`${base}/_cache`, { headers })).status).toBe(403);
      expect((await fetch(`${base}/_cache/state.json`, { headers })).status).toBe(403);
      const post = await fetch(`${base}/_cache/delete`, {
        method: 'POST',
        headers,
        body: new URLSearchParams({ key: 'k' }),
      });
      expect(post.status).toBe(403);
    });

    it('refuses a POST without the CSRF token, or from another origin, and changes nothing', async () => {
      await fetch(`${base}/products/2`);
      expect((await fetch(`${base}/products/2`)).headers.get('x-cache')).toBe('HIT');
      const noToken = await fetch(`${base}/_cache/invalidate`, {
        method: 'POST',
        body: new URLSearchParams({ cache: 'pages', tags: 'product:2' }),
      });
      expect(noToken.status).toBe(403);
      const html = await (await fetch(`${base}/_cache`)).text();
      const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
      expect(token.length).toBeGreaterThan(20);
      const crossSite = await fetch(`${base}/_cache/invalidate`, {
        method: 'POST',
        headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf: token, cache: 'pages', tags: 'product:2' }).toString(),
      });
      expect(crossSite.status).toBe(403);
      expect((await fetch(`${base}/products/2`)).headers.get('x-cache')).toBe('HIT');
      const sameOrigin = await fetch(`${base}/_cache/invalidate`, {
        method: 'POST',
        headers: {
          origin: base,
          accept: 'application/json',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ csrf: token, cache: 'pages', tags: 'product:2' }).toString(),
      });
      expect(await sameOrigin.json()).toEqual({ ok: true, message: 'invalidated 1 tag(s) in pages' });
      expect((await fetch(`${base}/products/2`)).headers.get('x-cache')).toBe('MISS');
    });

    it('serves Prometheus text at /metrics, with the route template as a label', async () => {
      const response = await fetch(`${base}/metrics`);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      const body = await response.text();
      expect(body).toMatch(
        /tagcache_reads_total\{[^}]*route="\/products\/:id"[^}]*result="hit"[^}]*\} [1-9]/,
      );
      expect(body).toMatch(/tagcache_backend_duration_seconds_bucket\{[^}]*le="\+Inf"\}/);
      expect(body).toMatch(/tagcache_invalidations_total\{[^}]*origin="manual"\} 2/);
      expect(body).toMatch(/tagcache_purges_total\{[^}]*purger="test-cdn",result="ok"\} 2/);
      expect(body).not.toContain('/products/1');
    });
  });
}

/** Mounting without `authorize` fails at once, naming the field. */
export function refusesWithoutAuthorize(mount: (options: never) => unknown): void {
  it('refuses to mount without authorize(request)', () => {
    const cache = new CacheService({ backend: new MemoryBackend() });
    expect(() => mount({ caches: [cache] } as never)).toThrow(CacheUsageError);
    expect(() => mount({ caches: [cache] } as never)).toThrow(/authorize/);
  });
}
