import type { Context, Middleware, Next } from 'koa';
import { type PrometheusOptions, prometheusMetrics } from '../prometheus/prometheus-metrics.js';
import { Dashboard, parsedForm, readFormStream } from '../shared/dashboard.js';
import type { DashboardOptions } from '../shared/options.js';

/** Options of the Koa {@link cacheDashboard}: `authorize` gets the `Context`. */
export type KoaDashboardOptions = DashboardOptions<Context>;

/** The dashboard's middleware, with `close()` to stop its timer and listeners. */
export type KoaDashboardMiddleware = Middleware & { close(): void; readonly dashboard: Dashboard<Context> };

/**
 * A live dashboard of the caches under `path` (default `/_cache`); other requests pass on.
 * Refuses to mount without `authorize`; denied requests get `403`.
 *
 * @example
 * ```ts
 * app.use(cacheDashboard({ caches: [cache], authorize: (ctx) => isLoopback(ctx.req.socket.remoteAddress) }));
 * ```
 */
export function cacheDashboard(options: KoaDashboardOptions): KoaDashboardMiddleware {
  const dashboard = new Dashboard<Context>(options);
  const base = dashboard.settings.path;
  const middleware = async function cacheDashboard(ctx: Context, next: Next): Promise<void> {
    const path = ctx.path;
    if (path !== base && !path.startsWith(`${base}/`)) return next();
    const reply = await dashboard.handle(
      {
        method: ctx.method,
        path: path.slice(base.length),
        base,
        headers: ctx.headers,
        readForm: async () => parsedForm((ctx.request as { body?: unknown }).body) ?? readFormStream(ctx.req),
      },
      ctx,
    );
    ctx.status = reply.status;
    ctx.set(reply.headers as Record<string, string>);
    ctx.body = reply.body;
  };
  return Object.assign(middleware, { close: () => dashboard.close(), dashboard });
}

/** Options of {@link metricsEndpoint}. */
export interface KoaMetricsOptions extends PrometheusOptions {
  /** The path it answers (default `/metrics`). */
  readonly path?: string;
  /** Who may scrape (default: anyone; the metrics hold cache names, route templates and models, never keys or values). */
  readonly authorize?: (ctx: Context) => boolean | Promise<boolean>;
}

/**
 * A Prometheus text endpoint for the caches at `path` (prom-client; no OpenTelemetry SDK needed).
 * @example `app.use(metricsEndpoint({ caches: [cache] }))`
 */
export function metricsEndpoint(options: KoaMetricsOptions): Middleware & { close(): void } {
  const { authorize, path = '/metrics', ...rest } = options;
  const prometheus = prometheusMetrics(rest);
  const middleware = async function metricsEndpoint(ctx: Context, next: Next): Promise<void> {
    if (ctx.path !== path || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    if (authorize && (await authorize(ctx)) !== true) {
      ctx.status = 403;
      ctx.body = 'Forbidden';
      return;
    }
    ctx.set('content-type', prometheus.registry.contentType);
    ctx.set('cache-control', 'no-store');
    ctx.body = await prometheus.registry.metrics();
  };
  return Object.assign(middleware, { close: () => prometheus.close() });
}
