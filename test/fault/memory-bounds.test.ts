import { CacheService, MemoryBackend, RedisBackend } from '@tagcache/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { hasBinary, type RunningServer, startRedis } from '../support/servers.js';
import { redisUrl } from '../support/test-servers.js';
import { floodUniqueUrls } from './support/flood.js';
import { figure } from './support/http-harness.js';

/** Unique URLs per flood here; `npm run soak` sends 1,000,000. */
const FLOOD = Number(process.env.FAULT_FLOOD ?? 100_000);
const MAX_ENTRIES = 5_000;
const MAX_BYTES = 8 * 1024 * 1024;

describe('memory bounds under a flood of unique URLs', () => {
  it(`memory backend: ${FLOOD.toLocaleString('en')} unique URLs keep entries and bytes within bounds`, async () => {
    const backend = new MemoryBackend({ maxEntries: MAX_ENTRIES, maxBytes: MAX_BYTES });
    const cache = new CacheService({ backend });
    let samples = 0;
    let over = 0;
    const check = (): void => {
      samples++;
      if (backend.size > MAX_ENTRIES || backend.bytes > MAX_BYTES) over++;
    };
    const startRss = process.memoryUsage.rss() / 1024 / 1024;
    const result = await floodUniqueUrls('koa', cache, FLOOD, check);
    check();
    figure('memory flood (koa)', {
      requests: result.requests,
      non2xx: result.non2xx,
      entries: backend.size,
      bytes: backend.bytes,
      startRssMiB: startRss,
      peakRssMiB: result.peakRssMiB,
      seconds: result.seconds,
    });
    expect(result.requests).toBeGreaterThanOrEqual(FLOOD * 0.99);
    expect(result.non2xx).toBe(0);
    expect(result.errors).toBe(0);
    expect(samples).toBeGreaterThan(1);
    expect(over).toBe(0);
    expect(backend.size).toBe(MAX_ENTRIES);
    expect(backend.bytes).toBeLessThanOrEqual(MAX_BYTES);
    // Generous: what the bounded store can hold plus load-generator noise, far below a leak of
    // one entry per URL.
    expect(result.peakRssMiB - startRss).toBeLessThan(512);
    await cache.close();
  }, 180_000);
});

const runnable = redisUrl() !== undefined && hasBinary('redis-server');

describe.skipIf(!runnable)('no immortal keys after a flood on Redis', () => {
  let server: RunningServer | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  it('every key the flood left (entries, tag versions, locks) has a TTL', async () => {
    // A server of its own, so SCAN sees only what this flood wrote.
    server = await startRedis();
    const url = `redis://127.0.0.1:${server.port}`;
    const cache = new CacheService({ backend: new RedisBackend({ url }), prefix: 'flood:' });
    const result = await floodUniqueUrls('express', cache, 5_000, undefined, ['pages', 'page:{query.cb}']);
    const raw = new Redis(url);
    let cursor = '0';
    let keys = 0;
    const immortal: string[] = [];
    do {
      const [next, found] = await raw.scan(cursor, 'COUNT', 1000);
      cursor = next;
      if (found.length === 0) continue;
      const ttls = await raw.pipeline(found.map((key) => ['pttl', key])).exec();
      keys += found.length;
      for (const [i, [, ttl]] of (ttls ?? []).entries()) if (ttl === -1) immortal.push(found[i]!);
    } while (cursor !== '0');
    figure('redis flood TTLs', {
      requests: result.requests,
      non2xx: result.non2xx,
      keys,
      immortal: immortal.length,
    });
    expect(result.non2xx).toBe(0);
    // One entry and one tag version per URL, plus the shared tag's version.
    expect(keys).toBeGreaterThanOrEqual(9_000);
    expect(immortal).toEqual([]);
    await raw.quit();
    await cache.close();
  }, 120_000);
});
