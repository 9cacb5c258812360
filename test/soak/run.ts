/**
 * `npm run soak`: the fault suite's scenarios at volumes too long for CI, printing figures.
 * Starts its own redis-server and memcached on free loopback ports (stopped by PID at the end).
 * Exits 1 if any check fails. Env: SOAK_FLOOD (unique URLs, default 1,000,000), SOAK_OPS
 * (integrity operations per process, default 10,000), SOAK_TAG_FLOOD (tag-flood requests per
 * framework, default 4,000).
 */
import { CacheService, MemcachedBackend, MemoryBackend, RedisBackend } from '@tagcache/core';
import { Redis } from 'ioredis';
import { killUnderLoad } from '../fault/support/backend-killed.js';
import { floodUniqueUrls } from '../fault/support/flood.js';
import { get, startHttpFleet } from '../fault/support/http-fleet.js';
import { FRAMEWORKS, figure } from '../fault/support/http-harness.js';
import { runWorkload, violations } from '../fault/support/integrity.js';
import { type RunningServer, startMemcached, startRedis } from '../support/servers.js';
import { soakTagFloods } from './tag-floods.js';

const FLOOD = Number(process.env.SOAK_FLOOD ?? 1_000_000);
const OPS = Number(process.env.SOAK_OPS ?? 10_000);
const TAG_FLOOD = Number(process.env.SOAK_TAG_FLOOD ?? 4_000);
const failures: string[] = [];
const check = (what: string, ok: boolean): void => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

const servers: RunningServer[] = [];
try {
  // 1. Backends killed under longer load.
  for (const [name, start, backend] of [
    ['redis', startRedis, (port: number) => new RedisBackend({ url: `redis://127.0.0.1:${port}` })],
    ['memcached', startMemcached, (port: number) => new MemcachedBackend({ servers: `127.0.0.1:${port}` })],
  ] as const) {
    for (const framework of FRAMEWORKS) {
      const outcome = await killUnderLoad({
        framework,
        start: (port) => start(port),
        backend,
        phases: { before: 3, outage: 3, after: 4 },
        connections: 32,
        // Default settings (10 s cool-down): recoveryMs is what a user gets out of the box.
        resilience: 'default',
      });
      figure(`soak: ${name} killed (${framework}, default resilience)`, {
        requests: outcome.load.requests,
        non2xx: outcome.load.non2xx,
        errors: outcome.load.errors,
        servedDuringOutage: outcome.duringOutage.length,
        requestsUntilHit: outcome.requestsUntilHit,
        // From the restarted server accepting connections to the end of the first hit.
        backendReturnToFirstHitMs: outcome.recoveryMs,
        p99Ms: outcome.load.p99Ms,
      });
      check(
        `${name}/${framework}: 0 non-2xx, 0 errors`,
        outcome.load.non2xx === 0 && outcome.load.errors === 0,
      );
      check(`${name}/${framework}: no unhandled rejection`, outcome.unhandledRejections === 0);
      check(`${name}/${framework}: hits after the restart`, outcome.recovered);
    }
  }

  const redisServer = await startRedis();
  servers.push(redisServer);
  const url = `redis://127.0.0.1:${redisServer.port}`;

  // 2. A million unique URLs against the memory backend.
  const memory = new MemoryBackend({ maxEntries: 10_000, maxBytes: 16 * 1024 * 1024 });
  const memoryCache = new CacheService({ backend: memory });
  let over = 0;
  const startRss = process.memoryUsage.rss() / 1024 / 1024;
  const flood = await floodUniqueUrls('koa', memoryCache, FLOOD, () => {
    if (memory.size > 10_000 || memory.bytes > 16 * 1024 * 1024) over++;
  });
  figure('soak: memory flood', {
    requests: flood.requests,
    non2xx: flood.non2xx,
    entries: memory.size,
    bytes: memory.bytes,
    startRssMiB: startRss,
    peakRssMiB: flood.peakRssMiB,
    endRssMiB: process.memoryUsage.rss() / 1024 / 1024,
    seconds: flood.seconds,
  });
  check('memory flood: 0 non-2xx', flood.non2xx === 0 && flood.errors === 0);
  check('memory flood: within maxEntries/maxBytes at every sample', over === 0);
  await memoryCache.close();

  // 2b. Tag floods on the memory backend: run-time tags past the per-entry limit, request-fed tags.
  await soakTagFloods(TAG_FLOOD, check);

  // 3. A tagged flood on Redis: no immortal key.
  const redisCache = new CacheService({ backend: new RedisBackend({ url }), prefix: 'soak-flood:' });
  const redisFlood = await floodUniqueUrls('express', redisCache, 50_000, undefined, [
    'pages',
    'page:{query.cb}',
  ]);
  const raw = new Redis(url);
  let keys = 0;
  let immortal = 0;
  let cursor = '0';
  do {
    const [next, found] = await raw.scan(cursor, 'COUNT', 1000);
    cursor = next;
    if (found.length === 0) continue;
    keys += found.length;
    for (const [, ttl] of (await raw.pipeline(found.map((key) => ['pttl', key])).exec()) ?? [])
      if (ttl === -1) immortal++;
  } while (cursor !== '0');
  figure('soak: redis flood', { requests: redisFlood.requests, non2xx: redisFlood.non2xx, keys, immortal });
  check('redis flood: every key has a TTL', immortal === 0 && keys > 0);
  await redisCache.close();

  // 4. Stampede: 2,000 concurrent requests over 4 processes.
  const fleet = await startHttpFleet(4, {
    FLEET_BACKEND: 'redis',
    FLEET_REDIS_URL: url,
    FLEET_PREFIX: 'soak-stampede:',
    FLEET_COUNTER_KEY: 'soak-stampede-runs',
    FLEET_LOAD_MS: '500',
  });
  try {
    const replies = await Promise.all(
      Array.from({ length: 2_000 }, (_, i) => get(fleet.ports[i % 4]!, '/slow')),
    );
    const runs = Number(await raw.get('soak-stampede-runs'));
    figure('soak: stampede', {
      requests: replies.length,
      non200: replies.filter((r) => r.status !== 200).length,
      handlerRuns: runs,
    });
    check('stampede: handler ran once', runs === 1 && replies.every((r) => r.status === 200));
  } finally {
    await fleet.stop();
  }

  // 5. Data integrity at volume.
  const log = await runWorkload(url, 4, 'soak-integrity:', OPS);
  const found = violations(log);
  figure('soak: data integrity', {
    operations: log.length,
    readHits: log.filter((o) => o.op === 'get' && o.id !== null).length,
    violations: found.length,
  });
  for (const v of found.slice(0, 5)) console.log(`  ${v}`);
  check('data integrity: no violation', found.length === 0);
  await raw.quit();
} finally {
  await Promise.all(servers.map((s) => s.stop()));
}

console.log(
  failures.length === 0 ? '\nsoak: all checks passed' : `\nsoak: ${failures.length} check(s) FAILED`,
);
process.exit(failures.length === 0 ? 0 : 1);
