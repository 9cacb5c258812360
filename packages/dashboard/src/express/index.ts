import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { type PrometheusOptions, prometheusMetrics } from '../prometheus/prometheus-metrics.js';
import { Dashboard, type DashboardReply, parsedForm, readFormStream } from '../shared/dashboard.js';
import type { DashboardOptions } from '../shared/options.js';

/** Options of the Express {@link cacheDashboard}: `authorize` gets the `Request`. */
export type ExpressDashboardOptions = DashboardOptions<Request>;

/** The dashboard's middleware, with `close()` to stop its timer and listeners. */
export type DashboardHandler = RequestHandler & { close(): void; readonly dashboard: Dashboard<Request> };

/**
 * A live dashboard of the caches, mounted where you `app.use` it. Refuses to mount without
 * `authorize`; denied requests get `403`.
 *
 * @example
 * ```ts
 * app.use('/_cache', cacheDashboard({ caches: [cache], authorize: (req) => isLoopback(req.socket.remoteAddress) }));
 * ```
 */
export function cacheDashboard(options: ExpressDashboardOptions): DashboardHandler {
  const dashboard = new Dashboard<Request>(options);
  const handler = function cacheDashboard(req: Request, res: Response, next: NextFunction): void {
    dashboard
      .handle(
        {
          method: req.method,
          path: req.path,
          base: req.baseUrl,
          headers: req.headers,
          readForm: async () => parsedForm(req.body) ?? readFormStream(req),
        },
        req,
      )
      .then((reply) => send(res, reply), next);
  };
  return Object.assign(handler, { close: () => dashboard.close(), dashboard });
}

/** Options of {@link metricsEndpoint}. */
export interface ExpressMetricsOptions extends PrometheusOptions {
  /** Who may scrape (default: anyone; the metrics hold cache names, route templates and models, never keys or values). */
  readonly authorize?: (request: Request) => boolean | Promise<boolean>;
}

/**
 * A Prometheus text endpoint for the caches (prom-client; no OpenTelemetry SDK needed).
 * @example `app.get('/metrics', metricsEndpoint({ caches: [cache] }))`
 */
export function metricsEndpoint(options: ExpressMetricsOptions): RequestHandler & { close(): void } {
  const { authorize, ...rest } = options;
  const prometheus = prometheusMetrics(rest);
  const handler = function metricsEndpoint(req: Request, res: Response, next: NextFunction): void {
    Promise.resolve(authorize ? authorize(req) : true)
      .then(async (allowed) => {
        if (allowed !== true) {
          res.status(403).type('text/plain').send('Forbidden');
          return;
        }
        const text = await prometheus.registry.metrics();
        res
          .status(200)
          .set('content-type', prometheus.registry.contentType)
          .set('cache-control', 'no-store')
          .send(text);
      })
      .catch(next);
  };
  return Object.assign(handler, { close: () => prometheus.close() });
}

function send(res: Response, reply: DashboardReply): void {
  res.status(reply.status).set(reply.headers).send(reply.body);
}
