/**
 * Builds the packages whose `dist` is missing or older than their sources, in dependency order
 * (core first), and leaves the others alone. `npm run build:stale` runs it; the test global
 * setup runs it before the suites that load built packages (`test/package`, `test/examples`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Workspace packages with a build, in the order they must be built. */
export const BUILT_PACKAGES = [
  'packages/core',
  'packages/middleware',
  'packages/prisma-extension',
  'packages/cdn',
  'packages/dashboard',
] as const;

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = 0;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

/** Whether `dir`'s `dist` is missing or older than anything it is built from. */
export function isStale(dir: string): boolean {
  const pkg = join(root, dir);
  const built = join(pkg, 'dist', 'index.js');
  if (!existsSync(built)) return true;
  const sources = Math.max(
    newest(join(pkg, 'src')),
    newest(join(pkg, 'package.json')),
    newest(join(pkg, 'tsup.config.ts')),
  );
  return sources > statSync(built).mtimeMs;
}

/** Builds the stale packages; returns the ones it built. */
export function buildStale(log: (line: string) => void = console.log): string[] {
  const stale = BUILT_PACKAGES.filter(isStale);
  for (const dir of stale) {
    log(`build-stale: building ${dir} (dist older than its sources)`);
    execFileSync('npm', ['run', 'build', '--silent', '-w', dir], { cwd: root, stdio: 'inherit' });
  }
  return stale;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = buildStale();
  if (built.length === 0) console.log('build-stale: every package is up to date');
}
