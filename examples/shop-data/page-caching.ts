import { pageTags } from './catalogue.js';

/**
 * How each page is cached, shared by the Express and the Koa app (pass with the cache:
 * `cacheResponses({ cache, ...pageCaching.product })`). Lists also get one tag per product
 * shown, added by their handler at run time.
 */
export const pageCaching = {
  // The key lists the one query parameter that matters, so ?page=1&utm_source=x shares page 1's entry;
  // {protocol} and {host} keep it per origin, as the default key does.
  productList: {
    ttl: '10m',
    key: '{protocol}://{host}:{method}:{path}?page={query.page}',
    tags: [pageTags.productLists],
  },
  product: { ttl: '10m', tags: ['product:{params.id}'] },
  category: { ttl: '10m', tags: ['category:{params.slug}'] },
} as const;
