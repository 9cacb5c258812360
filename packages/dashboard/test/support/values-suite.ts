import type { AddressInfo } from 'node:net';
import { CacheService, MemoryBackend } from '@tagcache/core';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.js';
import type { AppFactory, DashboardApp } from './dashboard-suite.js';

// The callbacks below run in the browser (no DOM lib in this project's types).
declare const document: {
  getElementById(id: string): { textContent: string | null } | null;
  querySelectorAll(selector: string): ArrayLike<{ textContent: string | null; click(): void }>;
};
declare const window: unknown;

const SECRET = 'secret-token-7f3a91';
const SCRIPT_VALUE = {
  html: '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2">',
  token: SECRET,
};

interface Running {
  readonly cache: CacheService;
  readonly base: string;
  readonly app: DashboardApp;
}

async function start(makeApp: AppFactory, showValues: boolean | undefined): Promise<Running> {
  const cache = new CacheService({ name: 'pages', backend: new MemoryBackend() });
  const app = await makeApp(
    cache,
    (headers) => headers['x-user'] !== 'mallory',
    showValues === undefined ? {} : { showValues },
  );
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  await cache.set('user:1', SCRIPT_VALUE, { tags: ['users'] });
  for (let i = 0; i < 5; i++) await cache.get('user:1'); // a hot key
  return { cache, base, app };
}

async function stop(running: Running | undefined): Promise<void> {
  if (running === undefined) return;
  running.app.close();
  await new Promise((resolve) => running.app.server.close(resolve));
  await running.cache.close();
}

/** The page's CSRF token. */
async function token(base: string): Promise<string> {
  const html = await (await fetch(`${base}/_cache`)).text();
  return /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
}

/** A same-origin POST of a url-encoded form, as the page sends it. */
function post(base: string, path: string, form: Record<string, string>, headers = {}): Promise<Response> {
  return fetch(`${base}/_cache${path}`, {
    method: 'POST',
    headers: {
      origin: base,
      accept: 'application/json',
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
    },
    body: new URLSearchParams(form).toString(),
  });
}

/** `showValues`: off by default (no value anywhere), and when on, values render as text. */
export function valuesSuite(framework: string, makeApp: AppFactory): void {
  describe(`cacheDashboard showValues (${framework})`, () => {
    let off: Running | undefined;
    let on: Running | undefined;
    let browser: Browser;
    let page: Page;
    const dialogs: string[] = [];

    beforeAll(async () => {
      off = await start(makeApp, undefined);
      on = await start(makeApp, true);
      browser = await launchBrowser();
      page = await browser.newPage();
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await stop(off);
      await stop(on);
    });

    const hotKeyShown = () =>
      page.waitForFunction(
        () => Array.from(document.querySelectorAll('#hotkeys td')).some((td) => td.textContent === 'user:1'),
        { timeout: 10_000 },
      );

    it('off by default: no value reaches the page, state.json or any endpoint, however asked', async () => {
      const { base } = off!;
      const bodies: string[] = [];
      const html = await (await fetch(`${base}/_cache?showValues=true`)).text();
      bodies.push(html);
      expect(html).not.toContain('/value');
      expect(html).not.toContain('data-values="1"');
      const state = await (await fetch(`${base}/_cache/state.json?showValues=1&key=user:1`)).text();
      expect(state).toContain('user:1'); // the key is there (hot keys), its value is not
      bodies.push(state);
      const csrf = await token(base);
      for (const path of ['/value', '/value?showValues=true']) {
        const answer = await post(base, path, { csrf, cache: 'pages', key: 'user:1' });
        expect(answer.status).toBe(404);
        bodies.push(await answer.text());
        const get = await fetch(`${base}/_cache${path}${path.includes('?') ? '&' : '?'}key=user:1`);
        expect(get.status).toBe(404);
        bodies.push(await get.text());
      }
      for (const body of bodies) {
        expect(body).not.toContain(SECRET);
        expect(body).not.toContain('__pwned');
      }
      await page.goto(`${base}/_cache`);
      await hotKeyShown();
      const content = await page.content();
      expect(content).not.toContain(SECRET);
      expect(await page.$$eval('#hotkeys button, #lookup, #value', (found) => found.length)).toBe(0);
    });

    it('on: a value containing <script> renders as text in Chromium, and looking counts no hit', async () => {
      const { base, cache } = on!;
      await page.goto(`${base}/_cache`);
      await hotKeyShown();
      const hits = cache.stats().hits;
      await page.type('#lookup input[name="key"]', 'user:1');
      await page.click('#lookup button');
      await page.waitForFunction(() => document.getElementById('value')?.textContent?.includes('__pwned'), {
        timeout: 10_000,
      });
      const shown = await page.$eval('#value', (e) => e.textContent ?? '');
      expect(shown).toContain(SECRET);
      expect(shown).toContain('<script>window.__pwned = 1</script>');
      expect(shown).toContain('tags: users');
      expect(await page.$$eval('#value *, script:not([nonce])', (found) => found.length)).toBe(0);
      expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(dialogs).toEqual([]);
      expect(cache.stats().hits).toBe(hits);
    });

    it('on: a hot key has a button that shows its value', async () => {
      const { base } = on!;
      await page.goto(`${base}/_cache`);
      await hotKeyShown();
      await page.evaluate(() => document.querySelectorAll('#hotkeys button')[0]?.click());
      await page.waitForFunction(() => document.getElementById('value')?.textContent?.startsWith('user:1 '), {
        timeout: 10_000,
      });
    });

    it('on: /value is authorized, CSRF-checked and bounded', async () => {
      const { base, cache } = on!;
      const csrf = await token(base);
      const denied = await post(base, '/value', { csrf, key: 'user:1' }, { 'x-user': 'mallory' });
      expect(denied.status).toBe(403);
      const noToken = await post(base, '/value', { key: 'user:1' });
      expect(noToken.status).toBe(403);
      const crossSite = await post(
        base,
        '/value',
        { csrf, key: 'user:1' },
        { origin: 'https://evil.example' },
      );
      expect(crossSite.status).toBe(403);
      for (const refused of [denied, noToken, crossSite]) expect(await refused.text()).not.toContain(SECRET);
      expect((await fetch(`${base}/_cache/value?key=user:1`)).status).toBe(404); // GET never reads a value

      const missing = await post(base, '/value', { csrf, key: 'nope' });
      expect(missing.status).toBe(404);
      await cache.set('big', 'x'.repeat(50_000));
      const big = (await (await post(base, '/value', { csrf, key: 'big' })).json()) as {
        value: { preview: string; truncated: boolean; type: string };
      };
      expect(big.value.truncated).toBe(true);
      expect(big.value.type).toBe('string');
      expect(big.value.preview.length).toBeLessThanOrEqual(4_000);
    });
  });
}
