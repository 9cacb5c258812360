/**
 * One process of an HTTP fleet: an Express app with the response cache on a shared Redis (or
 * its own memory), whose `/slow` handler counts its runs (a Redis INCR, and in process) and
 * takes `FLEET_LOAD_MS`. Run with `node --import tsx`; env: FLEET_BACKEND (redis | memory),
 * FLEET_REDIS_URL, FLEET_PREFIX, FLEET_COUNTER_KEY, FLEET_LOAD_MS. Tells its parent
 * `{ ready, port }`, answers `{ op: 'runs' }` with its own count, exits on `{ op: 'close' }`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Redis } from 'ioredis';
import {
  type CacheBackend,
  CacheService,
  MemoryBackend,
  RedisBackend,
} from '../../../packages/core/src/index.js';
import { cacheResponses } from '../../../packages/middleware/src/express.js';

const redisUrl = process.env.FLEET_REDIS_URL ?? '';
const counterKey = process.env.FLEET_COUNTER_KEY ?? 'fleet-runs';
const loadMs = Number(process.env.FLEET_LOAD_MS ?? '300');
const backend: CacheBackend =
  process.env.FLEET_BACKEND === 'memory' ? new MemoryBackend() : new RedisBackend({ url: redisUrl });
const cache = new CacheService({ backend, prefix: process.env.FLEET_PREFIX ?? 'http-fleet:' });
const counter = new Redis(redisUrl);
let runs = 0;

const app = express();
app.get('/slow', cacheResponses({ cache, ttl: 60 }), async (_req, res) => {
  runs++;
  await counter.incr(counterKey);
  await new Promise((resolve) => setTimeout(resolve, loadMs));
  res.json({ renderedBy: process.pid, run: runs });
});
const server = createServer(app);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
// Connect before saying ready, so every process starts the race on equal terms.
await cache.health();
await counter.ping();

process.on('message', (message: { op: 'runs' | 'close' }) => {
  if (message.op === 'runs') process.send?.({ runs });
  else {
    server.closeAllConnections();
    server.close();
    Promise.all([cache.close(), counter.quit()]).finally(() => process.exit(0));
  }
});
process.send?.({ ready: true, port: (server.address() as AddressInfo).port });
