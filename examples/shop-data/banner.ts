import { describe, type ShopSettings } from './settings.js';

/** The routes both apps serve (also the body of `GET /`). */
export const routes = {
  'GET /products?page=1':
    'every product, 10 a page (cached page, tags: products + product:<id> per product shown)',
  'GET /products/:id': 'one product (cached page, tag: product:<id>)',
  'GET /categories/:slug': 'a category and its products (cached page, tags: category:<slug> + product:<id>)',
  'GET /stats': 'figures and bestsellers (CacheService.getOrSet with the custom key stats:catalogue)',
  'PUT /admin/products/:id':
    'change name, description, price, stock or category; invalidates the pages showing it',
};

/** Prints where the shop listens and a few `curl` lines that show the cache at work. */
export function printBanner(app: string, url: string, settings: ShopSettings, seeded: boolean): void {
  const put = `curl -i -X PUT ${url}/admin/products/1 -H 'Content-Type: application/json' -d '{"price":"24.50"}'`;
  const lines = [
    `tagcache shop (${app}) listening on ${url}`,
    `  ${describe(settings)}`,
    ...(seeded ? ['  the database had no products: tables created and seeded'] : []),
    '',
    'Try it; watch the X-Cache and Cache-Tag headers:',
    `  curl -i ${url}/products/1             # X-Cache: MISS, Cache-Tag: product:1`,
    `  curl -i ${url}/products/1             # X-Cache: HIT (with Age)`,
    `  curl -i ${url}/products/2             # X-Cache: MISS, now cached too`,
    `  ${put}`,
    `                                        # the write invalidates the tag product:1`,
    `  curl -i ${url}/products/1             # X-Cache: MISS: the new price`,
    `  curl -i ${url}/products/2             # X-Cache: HIT: not affected`,
    `  curl -i '${url}/products?page=1'      # Cache-Tag: products,product:1,...,product:10`,
    `  curl -i ${url}/categories/garden      # Cache-Tag: category:garden,product:7,...`,
    `  curl -s ${url}/stats                  # CacheService.getOrSet with a custom key`,
    '',
    `Dashboard (live hit ratio, routes, models, invalidations, hot keys): ${url}/_cache`,
    `Prometheus metrics: curl -s ${url}/metrics   (both answer this machine only)`,
    '',
    'Ctrl-C stops it.',
  ];
  console.log(lines.join('\n'));
}
