import { CacheService, MemoryBackend } from '@tagcache/core';
import { cacheResponses } from '@tagcache/middleware/express';
import type express from 'express';
import { describe, expect, expectTypeOf, it } from 'vitest';

/**
 * Never called: `tsc` (`npm run typecheck`) checks these lines. A route-level
 * `cacheResponses` must keep the route's types, as Express's own handlers do.
 */
function typeChecks(app: express.Express, router: express.Router, cache: CacheService): void {
  app.get('/products/:id', cacheResponses({ cache, tags: ['product:{params.id}'] }), (req, res) => {
    expectTypeOf(req.params.id).toEqualTypeOf<string>();
    res.json({ id: req.params.id });
  });
  router.get('/shops/:shop/items/:item', cacheResponses({ cache }), (req, res) => {
    expectTypeOf(req.params.shop).toEqualTypeOf<string>();
    expectTypeOf(req.params.item).toEqualTypeOf<string>();
    res.end();
  });
  app.use(cacheResponses({ cache }));
  app.use('/api', cacheResponses({ cache }), router);
  // Standalone it is still a plain Express handler.
  const handler: express.RequestHandler = cacheResponses({ cache });
  void handler;
}

describe('Express types', () => {
  it('a route-level cacheResponses keeps the route params types (checked by tsc)', () => {
    expect(typeof typeChecks).toBe('function');
    expect(typeof cacheResponses({ cache: new CacheService({ backend: new MemoryBackend() }) })).toBe(
      'function',
    );
  });
});
