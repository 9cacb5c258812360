/**
 * The public API of each package, read from its entry files: every name an `export { ... }`,
 * `export type { ... }` or `export function|class|const|interface|type` declares, per subpath.
 * `tsx scripts/public-api.ts` prints the lists; test/package/public-api.test.ts checks that each
 * package README's "Public API" section names exactly these.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Entry files per package and subpath. */
export const ENTRIES: Readonly<
  Record<string, { readme: string; entries: Readonly<Record<string, string>> }>
> = {
  '@tagcache/core': {
    readme: 'packages/core/README.md',
    entries: {
      '.': 'packages/core/src/index.ts',
      './backend': 'packages/core/src/backend.ts',
      './config': 'packages/core/src/config/index.ts',
      './testing': 'packages/core/src/testing/index.ts',
    },
  },
  '@tagcache/middleware': {
    readme: 'packages/middleware/README.md',
    entries: {
      '.': 'packages/middleware/src/index.ts',
      './express': 'packages/middleware/src/express.ts',
      './koa': 'packages/middleware/src/koa.ts',
    },
  },
  '@tagcache/prisma': {
    readme: 'packages/prisma-extension/README.md',
    entries: { '.': 'packages/prisma-extension/src/index.ts' },
  },
  '@tagcache/cdn': { readme: 'packages/cdn/README.md', entries: { '.': 'packages/cdn/src/index.ts' } },
  '@tagcache/dashboard': {
    readme: 'packages/dashboard/README.md',
    entries: {
      '.': 'packages/dashboard/src/index.ts',
      './express': 'packages/dashboard/src/express.ts',
      './koa': 'packages/dashboard/src/koa.ts',
    },
  },
};

/**
 * The names an entry file exports, sorted. `export * from` is followed, except into `skip`
 * (another entry of the same package, which the README lists on its own).
 */
export function exportedNames(file: string, skip: readonly string[] = []): string[] {
  const text = readFileSync(`${root}${file}`, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const names = new Set<string>();
  for (const m of text.matchAll(/export\s+\*\s+from\s+'(\.[^']+)'/g)) {
    const target = join(dirname(file), m[1]!.replace(/\.js$/, '.ts'));
    if (!skip.includes(target)) for (const name of exportedNames(target, skip)) names.add(name);
  }
  for (const m of text.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const part of m[1]!.split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop()!
        .trim();
      if (name) names.add(name);
    }
  }
  for (const m of text.matchAll(
    /export\s+(?:declare\s+)?(?:async\s+)?(?:function\*?|class|const|let|interface|type|enum)\s+([A-Za-z_$][\w$]*)/g,
  )) {
    names.add(m[1]!);
  }
  return [...names].sort((a, b) => a.localeCompare(b));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [pkg, { entries }] of Object.entries(ENTRIES)) {
    for (const [sub, file] of Object.entries(entries)) {
      const spec = sub === '.' ? pkg : `${pkg}/${sub.slice(2)}`;
      console.log(`${spec}: ${exportedNames(file, Object.values(entries)).join(', ')}`);
    }
  }
}
