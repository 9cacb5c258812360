/**
 * Express 5 hit path over HTTP: the bare route (the limit), tagcache on memory and on Redis,
 * apicache on memory and on Redis, and raw node:http as a second reference, every server in
 * its own process, autocannon in this one. Every variant sends the same ~2 KB JSON body.
 */
import { aheadGoal, ratioGoal } from '../lib/http-goals.js';
import type { HttpVariant } from '../lib/http-load.js';
import { runHttpScenario } from '../lib/http-scenario.js';

const BARE = 'express bare route (limit)';
const TAGCACHE_MEMORY = 'tagcache memory';
const TAGCACHE_QUIET = 'tagcache memory, optional headers off';
const BARE_HEADERS = "bare route + the hit's headers";
const TAGCACHE_REDIS = 'tagcache redis';
const APICACHE_MEMORY = 'apicache memory';
const APICACHE_REDIS = 'apicache redis (ioredis)';

const variants: HttpVariant[] = [
  { name: BARE, server: 'express-bare', reference: true },
  { name: TAGCACHE_MEMORY, server: 'express-tagcache-memory', hit: ['X-Cache', 'HIT'] },
  { name: TAGCACHE_QUIET, server: 'express-tagcache-memory-quiet', hit: 'calls' },
  { name: BARE_HEADERS, server: 'express-bare-hit-headers' },
  { name: TAGCACHE_REDIS, server: 'express-tagcache-redis', hit: ['X-Cache', 'HIT'] },
  { name: APICACHE_MEMORY, server: 'express-apicache-memory', hit: 'calls' },
  { name: APICACHE_REDIS, server: 'express-apicache-redis', hit: 'calls' },
  { name: 'raw node:http (reference)', server: 'node-http' },
];

function run(): Promise<void> {
  return runHttpScenario({
    scenario: 'express',
    title: 'Express 5 hit path: GET of a ~2 KB JSON body, req/s',
    variants,
    notes: (rows) => [
      ratioGoal(rows, TAGCACHE_MEMORY, BARE, 1.1),
      ratioGoal(rows, TAGCACHE_REDIS, BARE, 0.8),
      aheadGoal(rows, TAGCACHE_MEMORY, APICACHE_MEMORY),
      aheadGoal(rows, TAGCACHE_REDIS, APICACHE_REDIS),
      'Cached variants sit on the route (`app.get(path, cache, handler)`); tagcache with one tag (`products`), default CacheService options; servers run with NODE_ENV=production.',
      'apicache Redis runs on an ioredis client with a `connected` getter mapped to `status === "ready"` (apicache checks that node-redis v3 flag; without it every request is a miss).',
      '`tagcache memory, optional headers off`: the same with `xCache: false, cacheStatus: false, tagHeader: false` (a hit then adds only `Age` and the stored `ETag`).',
      "`bare route + the hit's headers`: the bare route also sending the headers a hit adds (`Age`, `X-Cache`, `Cache-Status`, `Cache-Tag`), fixed values: what they cost without any lookup.",
      'The middleware reads in-process hits as shared values whatever `sharedValues` says (it never mutates them), so the former `sharedValues` row measured the same path and was dropped.',
    ],
  });
}

export default {
  name: 'express',
  description: 'Express 5 hit path over HTTP: tagcache vs apicache vs the bare route and raw node:http',
  run,
};
