/**
 * Koa 3 hit path over HTTP: the bare @koa/router route (the limit), tagcache on memory and on
 * Redis, and koa-cash (memory Map store), every server in its own process, autocannon in this
 * one. Every variant sends the same ~2 KB JSON body.
 */
import { aheadGoal, ratioGoal } from '../lib/http-goals.js';
import type { HttpVariant } from '../lib/http-load.js';
import { runHttpScenario } from '../lib/http-scenario.js';

const BARE = 'koa bare route (limit)';
const TAGCACHE_MEMORY = 'tagcache memory';
const TAGCACHE_QUIET = 'tagcache memory, optional headers off';
const BARE_HEADERS = "bare route + the hit's headers";
const TAGCACHE_REDIS = 'tagcache redis';
const KOA_CASH = 'koa-cash (memory)';

const variants: HttpVariant[] = [
  { name: BARE, server: 'koa-bare', reference: true },
  { name: TAGCACHE_MEMORY, server: 'koa-tagcache-memory', hit: ['X-Cache', 'HIT'] },
  { name: TAGCACHE_QUIET, server: 'koa-tagcache-memory-quiet', hit: 'calls' },
  { name: BARE_HEADERS, server: 'koa-bare-hit-headers' },
  { name: TAGCACHE_REDIS, server: 'koa-tagcache-redis', hit: ['X-Cache', 'HIT'] },
  { name: KOA_CASH, server: 'koa-cash', hit: ['X-Cached-Response', 'HIT'] },
];

function run(): Promise<void> {
  return runHttpScenario({
    scenario: 'koa',
    title: 'Koa 3 hit path: GET of a ~2 KB JSON body, req/s',
    variants,
    notes: (rows) => [
      ratioGoal(rows, TAGCACHE_MEMORY, BARE, 1.0),
      aheadGoal(rows, TAGCACHE_MEMORY, KOA_CASH),
      'tagcache sits on the route (`router.get(path, cache, handler)`) with one tag (`products`), default CacheService options; koa-cash is app-level with a Map store and the handler asks `await ctx.cashed()`, as its README shows; servers run with NODE_ENV=production.',
      '`tagcache memory, optional headers off`: the same with `xCache: false, cacheStatus: false, tagHeader: false` (a hit then adds only `Age` and the stored `ETag`).',
      "`bare route + the hit's headers`: the bare route also sending the headers a hit adds (`Age`, `X-Cache`, `Cache-Status`, `Cache-Tag`, `ETag`), fixed values: what they cost without any lookup.",
      'The middleware reads in-process hits as shared values whatever `sharedValues` says (it never mutates them), so the former `sharedValues` row measured the same path and was dropped.',
    ],
  });
}

export default {
  name: 'koa',
  description: 'Koa 3 hit path over HTTP: tagcache vs koa-cash vs the bare route',
  run,
};
