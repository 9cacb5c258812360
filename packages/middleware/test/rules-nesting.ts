import { expect, it } from 'vitest';
import type { SuiteContext } from './support/suite-context.js';

/**
 * `cacheResponses` mounted twice on one request with the same key (app-level and route-level,
 * or twice on a route): the inner mount runs inside the outer one's load and must never wait
 * for it. `maxWait` is an hour, so a mount waiting for itself would outlive the test's timeout;
 * the counts prove the rest (one handler run per miss, one entry carrying both mounts' tags).
 */
export function nestingRules(_framework: string, { setup, cached, counter }: SuiteContext): void {
  const protection = { protection: { maxWait: '1h' } } as const;

  it('app-level and route-level cacheResponses on one key: a miss runs the handler once, without waiting', async () => {
    const next = counter();
    const { http, calls, cache, stored } = await setup(
      [{ path: '/nested', cache: cached({ tags: ['route'] }), handle: () => ({ body: `n${next()}` }) }],
      { appCache: cached({ tags: ['app'] }) },
      protection,
    );
    const entry = stored();
    const miss = await http.get('/nested');
    expect([miss.status, miss.text, miss.headers['x-cache']]).toEqual([200, 'n1', 'MISS']);
    await entry; // the response may reach the client before its entry reaches Redis
    const hit = await http.get('/nested');
    expect([hit.text, hit.headers['x-cache']]).toEqual(['n1', 'HIT']);
    expect(calls['/nested']).toBe(1);
    expect(cache.stats().sets).toBe(1);
    // The inner mount's tags reach the one stored entry: its own tag invalidates it.
    await cache.invalidateTags(['route']);
    const after = await http.get('/nested');
    expect([after.text, after.headers['x-cache']]).toEqual(['n2', 'MISS']);
  }, 15_000);

  it('two cacheResponses on one route, in either order of their options: one handler run per miss, no wait', async () => {
    const short = cached({ ttl: 30, tags: ['short'] });
    const long = cached({ ttl: 300, tags: ['long'] });
    for (const order of [
      [short, long],
      [long, short],
    ]) {
      const next = counter();
      const { http, calls, cache, stored } = await setup(
        [{ path: '/twice', cache: order, handle: () => ({ body: { n: next() } }) }],
        {},
        protection,
      );
      const entry = stored();
      expect((await http.get('/twice')).body).toEqual({ n: 1 });
      await entry;
      const hit = await http.get('/twice');
      expect([hit.body, hit.headers['x-cache']]).toEqual([{ n: 1 }, 'HIT']);
      expect(calls['/twice']).toBe(1);
      expect(cache.stats().sets).toBe(1);
      // Both mounts' tags reach the one entry: either invalidates it.
      for (const tag of ['short', 'long']) {
        const again = stored();
        await cache.invalidateTags([tag]);
        expect((await http.get('/twice')).headers['x-cache']).toBe('MISS');
        await again;
      }
      expect(calls['/twice']).toBe(3);
    }
  }, 15_000);
}
