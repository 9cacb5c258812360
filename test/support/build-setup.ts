/**
 * Vitest global setup: before suites that load the built packages (`test/package` checks the
 * published shape, `test/examples` starts the example apps from `dist`), builds the packages
 * whose `dist` is older than their sources. Everything else runs against the sources (see the
 * aliases in vitest.config.ts), so a targeted run of other tests builds nothing.
 */
import { buildStale } from '../../scripts/build-stale.js';

const NEEDS_BUILD = ['test/package', 'test/examples'];

/** Options of `vitest run` that take a value (so that value is not a file filter). */
const VALUED = new Set([
  '--exclude',
  '--project',
  '--reporter',
  '--config',
  '-c',
  '-t',
  '--testNamePattern',
  '--dir',
  '--root',
  '-r',
]);

/** The file filters of this run (`vitest run a b` → `['a', 'b']`); empty means every file. */
function fileFilters(argv: readonly string[]): string[] {
  const filters: string[] = [];
  const start = argv.findIndex((a) => a === 'run' || a === 'watch' || a === 'related');
  for (let i = start + 1; start >= 0 && i < argv.length; i++) {
    const arg = argv[i]!;
    if (VALUED.has(arg)) i++;
    else if (!arg.startsWith('-')) filters.push(arg);
  }
  return filters;
}

export default function setup(): void {
  const filters = fileFilters(process.argv).map((f) => f.replace(/^\.\//, ''));
  const selected =
    filters.length === 0 ||
    filters.some((f) => NEEDS_BUILD.some((dir) => dir.startsWith(f.replace(/\/$/, '')) || f.startsWith(dir)));
  if (selected) buildStale();
}
