/**
 * Tag floods through the response cache, for the soak: pages tagged at run time with more tags
 * than the memory backend keeps for one entry (a sitemap listing every product), and a tag
 * template fed by the request (`search:{query.q}`, each query a new tag). Neither may grow the
 * process past the backend's bounds, nor evict the other pages' tag versions.
 */
import type { CacheService } from '@tagcache/core';
import autocannon from 'autocannon';
import { type Framework, startApp } from './http-harness.js';

export interface TagFloodResult {
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly seconds: number;
}

/** Tags of one sitemap page, more than a default MemoryBackend keeps for one entry (2,500). */
export const SITEMAP_TAGS = 3_000;
/** Length of each search query, so that request-fed tags are large. */
export const QUERY_LENGTH = 2_000;

/**
 * Sends `count` requests, alternating `/sitemap?page=N` (run-time tags: `SITEMAP_TAGS`
 * product tags) and `/search?q=<unique QUERY_LENGTH-character query>` (tag template
 * `search:{query.q}`). `onSample` runs every 100 ms.
 */
export async function floodTags(
  framework: Framework,
  cache: CacheService,
  count: number,
  onSample?: () => void,
): Promise<TagFloodResult> {
  const products = Array.from({ length: SITEMAP_TAGS }, (_, i) => `product:${i}`);
  const app = await startApp(framework, cache, [
    {
      path: '/sitemap',
      options: { ttl: 300, tags: ['sitemap'] },
      handle: ({ query }) => ({ body: `sitemap ${query.get('page')}`, tags: products }),
    },
    {
      path: '/search',
      options: { ttl: 300, tags: ['search:{query.q}'] },
      handle: ({ query }) => ({ body: `results for ${query.get('q')?.length} characters` }),
    },
  ]);
  let next = 0;
  const sampler = setInterval(() => {
    app.log.length = 0; // the harness logs every response: not the cache's memory
    onSample?.();
  }, 100);
  const started = performance.now();
  try {
    const result = await autocannon({
      url: app.url,
      connections: 8,
      amount: count,
      timeout: 30,
      requests: [
        {
          setupRequest: (request) => {
            const n = next++;
            const path =
              n % 2 === 0 ? `/sitemap?page=${n}` : `/search?q=${n.toString(36).padStart(QUERY_LENGTH, 'q')}`;
            return { ...request, path };
          },
        },
      ],
    });
    return {
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    clearInterval(sampler);
    app.log.length = 0;
    await app.close();
  }
}
