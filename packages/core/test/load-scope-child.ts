/**
 * Reports whether the process pays async hooks (`initHooksExist()` of Node's internals) before,
 * during and after loads (see `load-scope.test.ts`). Run with
 * `node --expose-internals --import tsx load-scope-child.ts`; prints one JSON line.
 */
import { createRequire } from 'node:module';
import { ScopedStorage } from '../src/backend.js';
import { CacheService, MemoryBackend } from '../src/index.js';

const internals = createRequire(import.meta.url)('internal/async_hooks') as { initHooksExist(): boolean };
const hooked = (): boolean => internals.initHooksExist();

const cache = new CacheService({ backend: new MemoryBackend() });
/** Longer than the load scope's idle spell (1 s), after which it switches itself off. */
const idle = (ms = 1_200): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const seen: Record<string, boolean | number | string> = { before: hooked() };
await cache.getOrSet('a', async () => {
  await null;
  seen.duringLoad = hooked();
  return 1;
});
seen.rightAfterLoad = hooked();
await idle();
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
await idle();
seen.afterBoth = hooked();

// A loader returning a thenable that is not a native promise, settling after the idle spell:
// its scope lasts until it settles, so a nested call from it is still recognised.
const thenable = {
  // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a native promise, on purpose
  then(resolve: (value: boolean) => void) {
    setTimeout(() => resolve(hooked()), 1_200);
  },
};
seen.thenableScope = await cache.getOrSet('thenable', () => thenable as unknown as Promise<boolean>);
await idle();

// The same storage for adapters (the Prisma extension's transaction and raw-query scopes).
const storage = new ScopedStorage<string>(10);
seen.storage = await storage.run('outer', async () => {
  await null;
  const inner = await storage.run('inner', async () => storage.getStore());
  return `${inner},${storage.getStore()},${hooked()}`;
});
seen.storageOutside = storage.getStore() === undefined;
seen.syncResult = storage.run('sync', () => storage.getStore()) ?? 'none';
await idle(50);
seen.afterStorage = hooked();
process.stdout.write(`${JSON.stringify(seen)}\n`);
await cache.close();
