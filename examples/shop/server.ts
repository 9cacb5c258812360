/**
 * The shop on Express 5: pages cached by @tagcache/middleware, queries by @tagcache/prisma,
 * stats by CacheService directly. Run it with `npm run example` from the repository root.
 */
import { cacheDashboard, metricsEndpoint } from '@tagcache/dashboard/express';
import { addCacheTags, cacheResponses } from '@tagcache/middleware/express';
import express, { type ErrorRequestHandler } from 'express';
import { printBanner, routes } from '../shop-data/banner.js';
import { pageTags } from '../shop-data/catalogue.js';
import { isLoopback } from '../shop-data/observability.js';
import { pageCaching } from '../shop-data/page-caching.js';
import { InputError, parseId, parseProductUpdate } from '../shop-data/product-input.js';
import { readSettings } from '../shop-data/settings.js';
import { openShop } from '../shop-data/shop.js';

const settings = readSettings(process.env, 3000);
const shop = await openShop(settings);
const { cache, catalogue } = shop;
const app = express();
app.disable('x-powered-by');

// The cache dashboard and Prometheus metrics, for this machine only.
const local = (req: express.Request): boolean => isLoopback(req.socket.remoteAddress);
const dashboard = cacheDashboard({ caches: [cache], authorize: local });
const metrics = metricsEndpoint({ caches: [cache], authorize: local });
app.use('/_cache', dashboard);
app.get('/metrics', metrics);

app.get('/', (_req, res) => {
  res.json({ routes });
});

app.get('/products', cacheResponses({ cache, ...pageCaching.productList }), async (req, res) => {
  const page = req.query.page === undefined ? 1 : parseId(String(req.query.page));
  if (page === undefined) throw new InputError('page: expected a positive integer');
  const list = await catalogue.listProducts(page);
  addCacheTags(res, ...list.items.map((product) => pageTags.product(product.id)));
  res.json(list);
});

app.get('/products/:id', cacheResponses({ cache, ...pageCaching.product }), async (req, res) => {
  const id = parseId(String(req.params.id));
  const product = id === undefined ? null : await catalogue.product(id);
  if (!product) res.status(404).json({ error: 'no such product' });
  else res.json(product);
});

app.get('/categories/:slug', cacheResponses({ cache, ...pageCaching.category }), async (req, res) => {
  const category = await catalogue.category(String(req.params.slug));
  if (!category) {
    res.status(404).json({ error: 'no such category' });
    return;
  }
  addCacheTags(res, ...category.products.map((product) => pageTags.product(product.id)));
  res.json(category);
});

app.get('/stats', async (_req, res) => {
  res.json(await catalogue.stats());
});

// Not cached (only GET is), and its writes invalidate the pages that show the product.
// A real shop would authenticate this route.
app.put('/admin/products/:id', express.json({ limit: '16kb' }), async (req, res) => {
  const id = parseId(String(req.params.id));
  const result =
    id === undefined ? undefined : await catalogue.updateProduct(id, parseProductUpdate(req.body));
  if (!result) res.status(404).json({ error: 'no such product' });
  else res.json(result);
});

const onError: ErrorRequestHandler = (error, _req, res, _next) => {
  const status = error instanceof InputError ? 400 : Number(error?.status) || 500;
  if (status >= 500) console.error(error);
  res.status(status).json({ error: status >= 500 ? 'internal error' : String(error.message) });
};
app.use(onError);

const server = app.listen(settings.port, (error?: Error) => {
  if (error) {
    console.error(`cannot listen on port ${settings.port}: ${error.message} (set PORT to another one)`);
    void shop.close().then(() => process.exit(1));
    return;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  printBanner('Express 5', `http://localhost:${port}`, settings, shop.seeded);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    dashboard.close();
    metrics.close();
    void shop.close().then(() => process.exit(0));
  });
}
