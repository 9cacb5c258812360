/**
 * The shop on Koa 3, on the same data layer as the Express app (../shop-data):
 * pages cached by @tagcache/middleware, queries by @tagcache/prisma, stats by CacheService.
 * Run it with `npm run start:koa -w examples` from the repository root.
 */
import { Router } from '@koa/router';
import { cacheDashboard, metricsEndpoint } from '@tagcache/dashboard/koa';
import { addCacheTags, cacheResponses } from '@tagcache/middleware/koa';
import Koa from 'koa';
import { printBanner, routes } from '../shop-data/banner.js';
import { pageTags } from '../shop-data/catalogue.js';
import { isLoopback } from '../shop-data/observability.js';
import { pageCaching } from '../shop-data/page-caching.js';
import { InputError, parseId, parseProductUpdate } from '../shop-data/product-input.js';
import { readSettings } from '../shop-data/settings.js';
import { openShop } from '../shop-data/shop.js';
import { readJson } from './read-json.js';

const settings = readSettings(process.env, 3001);
const shop = await openShop(settings);
const { cache, catalogue } = shop;
const app = new Koa();
const router = new Router();

app.use(async (ctx, next) => {
  try {
    await next();
  } catch (error) {
    const status = error instanceof InputError ? 400 : 500;
    if (status === 500) console.error(error);
    ctx.status = status;
    ctx.body = { error: status === 500 ? 'internal error' : (error as Error).message };
  }
});

// The cache dashboard at /_cache and Prometheus metrics at /metrics, for this machine only.
const local = (ctx: Koa.Context): boolean => isLoopback(ctx.req.socket.remoteAddress);
const dashboard = cacheDashboard({ caches: [cache], authorize: local });
const metrics = metricsEndpoint({ caches: [cache], authorize: local });
app.use(dashboard).use(metrics);

router.get('/', (ctx) => {
  ctx.body = { routes };
});

router.get('/products', cacheResponses({ cache, ...pageCaching.productList }), async (ctx) => {
  const page = ctx.query.page === undefined ? 1 : parseId(String(ctx.query.page));
  if (page === undefined) throw new InputError('page: expected a positive integer');
  const list = await catalogue.listProducts(page);
  addCacheTags(ctx, ...list.items.map((product) => pageTags.product(product.id)));
  ctx.body = list;
});

router.get('/products/:id', cacheResponses({ cache, ...pageCaching.product }), async (ctx) => {
  const id = parseId(ctx.params.id);
  const product = id === undefined ? null : await catalogue.product(id);
  ctx.status = product ? 200 : 404;
  ctx.body = product ?? { error: 'no such product' };
});

router.get('/categories/:slug', cacheResponses({ cache, ...pageCaching.category }), async (ctx) => {
  const category = await catalogue.category(String(ctx.params.slug));
  if (!category) {
    ctx.status = 404;
    ctx.body = { error: 'no such category' };
    return;
  }
  addCacheTags(ctx, ...category.products.map((product) => pageTags.product(product.id)));
  ctx.body = category;
});

router.get('/stats', async (ctx) => {
  ctx.body = await catalogue.stats();
});

// Not cached (only GET is), and its writes invalidate the pages that show the product.
// A real shop would authenticate this route.
router.put('/admin/products/:id', async (ctx) => {
  const id = parseId(ctx.params.id);
  const update = parseProductUpdate(await readJson(ctx));
  const result = id === undefined ? undefined : await catalogue.updateProduct(id, update);
  ctx.status = result ? 200 : 404;
  ctx.body = result ?? { error: 'no such product' };
});

app.use(router.routes()).use(router.allowedMethods());

const server = app.listen(settings.port, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  printBanner('Koa 3', `http://localhost:${port}`, settings, shop.seeded);
});
server.on('error', (error) => {
  console.error(`cannot listen on port ${settings.port}: ${error.message} (set PORT to another one)`);
  void shop.close().then(() => process.exit(1));
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
