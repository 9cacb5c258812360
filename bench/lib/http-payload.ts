/**
 * What every HTTP bench server answers: one route, the same pre-serialized ~2 KB JSON body.
 */

/** The route every variant serves (the load generator asks for it). */
export const ROUTE = '/api/products';

/** A product list serialized once: the bare routes send this string, the caches store it. */
export const BODY: string = JSON.stringify({
  page: 1,
  products: Array.from({ length: 14 }, (_, i) => ({
    id: 1000 + i,
    name: `Espresso machine model ${i}`,
    price: Math.round((99.99 + i * 10.5) * 100) / 100,
    tags: ['kitchen', 'coffee', i % 2 === 0 ? 'sale' : 'new'],
    stock: (i * 7) % 23,
    updatedAt: '2025-01-01T00:00:00.000Z',
  })),
});

/** The body's content type, as Express's `res.json` and Koa's JSON bodies send it. */
export const CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * The headers a tagcache hit adds to the bare route's (as the probe saw them), for the rows
 * that send them from the bare route: they tell the cost of the headers from the cost of the
 * lookup. Koa's bare route sends no ETag; a stored response has one.
 */
export const HIT_HEADERS: Readonly<Record<string, string>> = {
  age: '0',
  'x-cache': 'HIT',
  'cache-status': 'tagcache; hit; ttl=3599',
  'cache-tag': 'products',
};

/** The ETag a stored copy of {@link BODY} carries (Koa adds none of its own). */
export const STORED_ETAG = 'W/"zzMsN666smPDpXWW83q7-U"';
