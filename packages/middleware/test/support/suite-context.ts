import type { Server } from 'node:http';
import type { CacheServiceOptions } from '@tagcache/core';
import request from 'supertest';
import { afterEach, vi } from 'vitest';
import type { AppFactory, AppSpec, RouteCacheOptions, RouteSpec } from './apps.js';
import type { BackendVariant, TestCache } from './backends.js';

/** Helpers of one `describe` of the behaviour suite; call inside it (it registers cleanup). */
export function suiteContext(makeApp: AppFactory, backend: BackendVariant) {
  const open: { server?: Server; cache?: TestCache }[] = [];

  afterEach(async () => {
    vi.useRealTimers();
    for (const item of open.splice(0)) {
      item.server?.close();
      await item.cache?.close();
    }
  });

  async function setup(
    routes: readonly RouteSpec[],
    extra: Partial<Omit<AppSpec, 'cache' | 'routes'>> = {},
    cacheOptions: Partial<CacheServiceOptions> = {},
  ) {
    const testCache = await backend.create(cacheOptions);
    const calls: Record<string, number> = {};
    const counted = routes.map((route) => ({
      ...route,
      handle: (req: Parameters<RouteSpec['handle']>[0]) => {
        calls[route.path] = (calls[route.path] ?? 0) + 1;
        return route.handle(req);
      },
    }));
    const server = await makeApp({ cache: testCache.cache, routes: counted, ...extra });
    open.push({ server, cache: testCache });
    /** Resolves at the next entry the cache stores (a response can reach the client first). */
    const stored = (): Promise<void> =>
      new Promise((resolve) => {
        const off = testCache.cache.on('set', () => {
          off();
          resolve();
        });
      });
    return { http: request(server), server, calls, cache: testCache.cache, chaos: testCache.chaos, stored };
  }

  const cached = (opts: RouteCacheOptions = {}): RouteCacheOptions => ({ ttl: 60, ...opts });
  const counter = () => {
    let n = 0;
    return () => ++n;
  };

  return { setup, cached, counter };
}

/** What {@link suiteContext} returns. */
export type SuiteContext = ReturnType<typeof suiteContext>;
