import type { CacheSource } from '@tagcache/core';
import type { HitMemo } from './settings.js';

/** The route of a request no router matched before the middleware ran (`app.use(cacheResponses(...))`). */
export const UNROUTED = '(unrouted)';

/** Most distinct method and route pairs one middleware names; past it, requests count as `(other)`. */
const MAX_ROUTES = 256;

/**
 * The metrics source of a request: its method and route template (never the URL, so metric
 * attributes stay bounded). One object per pair, reused by every request on it; the last one
 * is checked first, without a map lookup (a route-level middleware sees a single route).
 */
export function routeSource(memo: HitMemo, method: string, route: string): CacheSource {
  const last = memo.source;
  if (last !== undefined && last.route === route && last.method === method) return last;
  let byRoute = memo.sources.get(method);
  if (byRoute === undefined) {
    byRoute = new Map();
    memo.sources.set(method, byRoute);
  }
  let source = byRoute.get(route);
  if (source === undefined) {
    const known = [...memo.sources.values()].reduce((n, m) => n + m.size, 0);
    source = { kind: 'http', method, route: known < MAX_ROUTES ? route : '(other)' };
    byRoute.set(route, source);
  }
  memo.source = source;
  return source;
}
