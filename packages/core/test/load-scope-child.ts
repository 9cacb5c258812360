/**
 * Reports whether the process pays async hooks (`initHooksExist()` of Node's internals) before,
 * during and after loads (see `load-scope.test.ts`). Run with
 * `node --expose-internals --import tsx load-scope-child.ts`; prints one JSON line.
 */
import { createRequire } from 'node:module';
import { CacheService, MemoryBackend } from '../src/index.js';

const internals = createRequire(import.meta.url)('internal/async_hooks') as { initHooksExist(): boolean };
const hooked = (): boolean => internals.initHooksExist();

const cache = new CacheService({ backend: new MemoryBackend() });
const seen: Record<string, boolean | number> = { before: hooked() };
await cache.getOrSet('a', async () => {
  await null;
  seen.duringLoad = hooked();
  return 1;
});
seen.afterLoad = hooked();
seen.hit = await cache.getOrSet('a', () => 2);
seen.afterHit = hooked();

// Two overlapping loads: the first settling leaves the second's scope in place, so a call the
// second loader makes for its own key is still recognised as nested (it must not wait for itself).
let releaseB!: () => void;
const bGate = new Promise<void>((resolve) => {
  releaseB = resolve;
});
const loadA = cache.getOrSet('x', async () => 'A');
const loadB = cache.getOrSet('y', async () => {
  await bGate;
  seen.whileOtherSettled = hooked();
  return cache.getOrSet('y', async () => 'inner');
});
await loadA;
releaseB();
seen.nested = (await loadB) === 'inner';
seen.afterBoth = hooked();
process.stdout.write(`${JSON.stringify(seen)}\n`);
await cache.close();
