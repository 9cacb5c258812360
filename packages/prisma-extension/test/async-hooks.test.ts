import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const child = fileURLToPath(new URL('./async-hooks-child.ts', import.meta.url));
const root = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * On Node 20 an enabled `AsyncLocalStorage` puts an async hook on every promise of the process.
 * The extension's transaction and raw-read scopes are on only while one runs: hits after a
 * `$transaction` or a `$queryRawCached` pay no hook (checked in a fresh process, through Node's
 * internals, since the test runner may hold storages of its own).
 */
it('a $transaction or $queryRawCached leaves no async hook behind (SQLite)', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-internals', '--import', 'tsx', child],
    { cwd: root },
  );
  expect(JSON.parse(stdout)).toEqual({
    before: false,
    afterHit: false,
    afterTransaction: false,
    afterRawRead: false,
  });
}, 60_000);
