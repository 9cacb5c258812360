import { CacheRegistry, type CacheService, CacheUsageError } from '@tagcache/core';

/** Options of `cacheDashboard`. `Native` is the framework's request (Express `Request`, Koa `Context`). */
export interface DashboardOptions<Native> {
  /** The caches to show: services, or a registry from `createCaches`. */
  readonly caches: readonly CacheService[] | CacheRegistry;
  /**
   * Required: whether this request may see the dashboard and use its actions. Deny by default:
   * there is no way to mount the dashboard without it. A denied request gets `403`.
   * @example `(req) => req.socket.remoteAddress === '127.0.0.1'`
   */
  readonly authorize: (request: Native) => boolean | Promise<boolean>;
  /** Koa only (Express takes the mount path from `app.use`): the path the dashboard answers under. Default `'/_cache'`. */
  readonly path?: string;
  /** How often the page asks for new figures, in ms. Default 2,000. */
  readonly refreshMs?: number;
  /** Width of one bar of the hit-ratio chart, in ms. Default 10,000 (60 bars: the last 10 minutes). */
  readonly bucketMs?: number;
  /** Bars kept and drawn. Default 60. */
  readonly buckets?: number;
  /** Hot keys: counters kept (memory bound) and one hit sampled in `sampleEvery`. Default 100 and 10. */
  readonly hotKeys?: { readonly capacity?: number; readonly sampleEvery?: number };
  /** Invalidations kept for the "last invalidations" table. Default 50. */
  readonly invalidations?: number;
  /**
   * Let the page show the value cached at a key (a lookup form, and a button per hot key),
   * through `POST <path>/value` (authorized, CSRF-protected): a preview bounded to
   * {@link VALUE_PREVIEW_CHARS} characters, rendered as text. Default `false`: no value ever
   * reaches the page, its JSON or its endpoints. Turn it on only where everyone `authorize`
   * admits may read every cached value (sessions, personal data, tokens the cache holds).
   */
  readonly showValues?: boolean;
}

/** {@link DashboardOptions}, validated. */
export interface DashboardSettings<Native> {
  readonly caches: readonly CacheService[];
  readonly authorize: (request: Native) => boolean | Promise<boolean>;
  readonly path: string;
  readonly refreshMs: number;
  readonly bucketMs: number;
  readonly buckets: number;
  readonly hotKeyCapacity: number;
  readonly sampleEvery: number;
  readonly invalidations: number;
  readonly showValues: boolean;
}

/** The longest value preview the dashboard sends, in characters (UTF-16 code units). */
export const VALUE_PREVIEW_CHARS = 4_000;

/** Validates options; throws a `CacheUsageError` naming the field. */
export function resolveDashboardSettings<Native>(
  options: DashboardOptions<Native>,
): DashboardSettings<Native> {
  if (typeof options !== 'object' || options === null) {
    throw new CacheUsageError('cacheDashboard needs options { caches, authorize }', 'options');
  }
  if (typeof options.authorize !== 'function') {
    throw new CacheUsageError(
      'cacheDashboard refuses to mount without an authorize(request) function (it shows keys and can invalidate: decide who may see it, e.g. loopback only)',
      'authorize',
    );
  }
  const caches =
    options.caches instanceof CacheRegistry
      ? options.caches.names.map((n) => (options.caches as CacheRegistry).get(n))
      : options.caches;
  if (
    !Array.isArray(caches) ||
    caches.length === 0 ||
    caches.some((c) => typeof c?.getOrSet !== 'function')
  ) {
    throw new CacheUsageError('expected a non-empty array of CacheService, or a CacheRegistry', 'caches');
  }
  const path = options.path ?? '/_cache';
  if (typeof path !== 'string' || !path.startsWith('/') || (path.length > 1 && path.endsWith('/'))) {
    throw new CacheUsageError(
      `path must start with '/' and not end with one, got ${JSON.stringify(path)}`,
      'path',
    );
  }
  const showValues = options.showValues ?? false;
  if (typeof showValues !== 'boolean') {
    throw new CacheUsageError(
      `showValues must be true or false, got ${JSON.stringify(showValues)}`,
      'showValues',
    );
  }
  return {
    caches,
    authorize: options.authorize,
    path,
    refreshMs: count(options.refreshMs ?? 2_000, 'refreshMs', 100),
    bucketMs: count(options.bucketMs ?? 10_000, 'bucketMs', 100),
    buckets: count(options.buckets ?? 60, 'buckets', 2),
    hotKeyCapacity: count(options.hotKeys?.capacity ?? 100, 'hotKeys.capacity', 1),
    sampleEvery: count(options.hotKeys?.sampleEvery ?? 10, 'hotKeys.sampleEvery', 1),
    invalidations: count(options.invalidations ?? 50, 'invalidations', 1),
    showValues,
  };
}

function count(value: number, field: string, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new CacheUsageError(`${field} must be an integer >= ${min}, got ${String(value)}`, field);
  }
  return value;
}
