import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const child = new URL('./load-scope-child.ts', import.meta.url).pathname;

/**
 * On Node 20 an enabled `AsyncLocalStorage` puts an async hook on every promise of the process.
 * The core's load scope (how a loader's own nested call is recognised) is on only while a load
 * runs and for an idle spell after: a process serving hits after its misses pays no hook (checked in a fresh process,
 * through Node's internals, since the test runner may hold storages of its own).
 */
it('the load scope is on only while loads run (and an idle spell); hits after a miss run without async hooks', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-internals', '--import', 'tsx', child],
    {
      cwd: new URL('.', import.meta.url).pathname,
    },
  );
  expect(JSON.parse(stdout)).toEqual({
    before: false,
    duringLoad: true,
    rightAfterLoad: true,
    afterLoad: false,
    hit: 1,
    afterHit: false,
    whileOtherSettled: true,
    nested: true,
    afterBoth: false,
    thenableScope: true,
    storage: 'inner,outer,true',
    storageOutside: true,
    syncResult: 'sync',
    afterStorage: false,
  });
});
