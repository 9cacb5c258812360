/**
 * A flood of unique URLs (cache-busting query strings) through the response cache, for the
 * memory-bound tests and the soak: every request is a miss that stores a new entry.
 */
import type { CacheService } from '@tagcache/core';
import autocannon from 'autocannon';
import { type Framework, startApp } from './http-harness.js';

export interface FloodResult {
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  /** Highest RSS sampled during the flood, in MiB. */
  readonly peakRssMiB: number;
  readonly seconds: number;
}

export async function floodUniqueUrls(
  framework: Framework,
  cache: CacheService,
  count: number,
  onSample?: () => void,
  tags?: readonly string[],
): Promise<FloodResult> {
  const app = await startApp(framework, cache, [
    {
      path: '/page',
      options: { ttl: 300, ...(tags ? { tags } : {}) },
      handle: ({ query }) => ({ body: `page ${query.get('cb')} ${'x'.repeat(200)}` }),
    },
  ]);
  let next = 0;
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
    onSample?.();
  }, 100);
  const started = performance.now();
  try {
    const result = await autocannon({
      url: app.url,
      connections: 16,
      pipelining: 4,
      amount: count,
      timeout: 30,
      requests: [{ setupRequest: (request) => ({ ...request, path: `/page?cb=${next++}&utm=${next % 7}` }) }],
    });
    return {
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      peakRssMiB: Math.max(peak, process.memoryUsage.rss()) / 1024 / 1024,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    clearInterval(sampler);
    await app.close();
  }
}
