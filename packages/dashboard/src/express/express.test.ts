import { createServer } from 'node:http';
import { cacheResponses } from '@tagcache/middleware/express';
import express from 'express';
import { describe } from 'vitest';
import {
  type AppFactory,
  dashboardSuite,
  refusesWithoutAuthorize,
} from '../../test/support/dashboard-suite.js';
import { valuesSuite } from '../../test/support/values-suite.js';
import { cacheDashboard, metricsEndpoint } from './index.js';

describe('Express', () => {
  refusesWithoutAuthorize((options) => cacheDashboard(options));
});

const makeApp: AppFactory = (cache, authorize, options) => {
  const app = express();
  const dashboard = cacheDashboard({
    caches: [cache],
    authorize: (req) => authorize(req.headers),
    showValues: options?.showValues,
    hotKeys: { sampleEvery: 1 },
    refreshMs: 200,
  });
  const metrics = metricsEndpoint({ caches: [cache] });
  app.use('/_cache', dashboard);
  app.get('/metrics', metrics);
  app.get('/products/:id', cacheResponses({ cache, ttl: 60, tags: ['product:{params.id}'] }), (req, res) => {
    res.json({ id: req.params.id });
  });
  return {
    server: createServer(app),
    close: () => {
      dashboard.close();
      metrics.close();
    },
  };
};

dashboardSuite(
  'Express',
  makeApp,
  new URL('../../../../.tmp/dashboard-express.png', import.meta.url).pathname,
);
valuesSuite('Express', makeApp);
