import { createServer } from 'node:http';
import Router from '@koa/router';
import { cacheResponses } from '@tagcache/middleware/koa';
import Koa from 'koa';
import { describe } from 'vitest';
import {
  type AppFactory,
  dashboardSuite,
  refusesWithoutAuthorize,
} from '../../test/support/dashboard-suite.js';
import { valuesSuite } from '../../test/support/values-suite.js';
import { cacheDashboard, metricsEndpoint } from './index.js';

describe('Koa', () => {
  refusesWithoutAuthorize((options) => cacheDashboard(options));
});

const makeApp: AppFactory = (cache, authorize, options) => {
  const app = new Koa();
  const dashboard = cacheDashboard({
    caches: [cache],
    authorize: (ctx) => authorize(ctx.headers),
    showValues: options?.showValues,
    hotKeys: { sampleEvery: 1 },
    refreshMs: 200,
  });
  const metrics = metricsEndpoint({ caches: [cache] });
  const router = new Router();
  router.get('/products/:id', cacheResponses({ cache, ttl: 60, tags: ['product:{params.id}'] }), (ctx) => {
    ctx.body = { id: ctx.params.id };
  });
  app.use(dashboard).use(metrics).use(router.routes());
  return {
    server: createServer(app.callback()),
    close: () => {
      dashboard.close();
      metrics.close();
    },
  };
};

dashboardSuite('Koa', makeApp);
valuesSuite('Koa', makeApp);
