import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The published shape: every package's built ESM and CJS entries load in Node and expose the
 * same names (many Express and ioredis users are on CommonJS). `npm test` builds first.
 */
const require = createRequire(import.meta.url);
const root = new URL('../../', import.meta.url);

const entries = [
  { pkg: '@tagcache/core', dir: 'packages/core', subpaths: ['.'] },
  { pkg: '@tagcache/middleware', dir: 'packages/middleware', subpaths: ['.', './express', './koa'] },
  { pkg: '@tagcache/prisma', dir: 'packages/prisma-extension', subpaths: ['.'] },
  { pkg: '@tagcache/cdn', dir: 'packages/cdn', subpaths: ['.'] },
];

describe.each(entries)('$pkg', ({ pkg, dir, subpaths }) => {
  const built = existsSync(new URL(`${dir}/dist/index.js`, root));

  it.runIf(built || pkg === '@tagcache/core').each(subpaths)(
    '%s loads as ESM and CJS with the same exports',
    async (sub) => {
      const specifier = sub === '.' ? pkg : `${pkg}/${sub.slice(2)}`;
      const cjs = require(specifier) as Record<string, unknown>;
      const manifest = require(`${pkg}/package.json`) as {
        exports: Record<string, { import: { default: string } }>;
      };
      const esmPath = new URL(`${dir}/${manifest.exports[sub]!.import.default}`, root);
      const esm = (await import(pathToFileURL(esmPath.pathname).href)) as Record<string, unknown>;
      const names = (m: Record<string, unknown>) =>
        Object.keys(m)
          .filter((k) => k !== 'default' && k !== 'module.exports')
          .sort();
      expect(names(cjs)).toEqual(names(esm));
      expect(names(esm).length).toBeGreaterThan(0);
    },
  );
});

describe('@tagcache/core built output', () => {
  it('ships the conformance suite as ESM (Vitest is ESM-only)', async () => {
    const testing = (await import(
      pathToFileURL(new URL('packages/core/dist/testing/index.js', root).pathname).href
    )) as Record<string, unknown>;
    expect(typeof testing.backendConformanceSuite).toBe('function');
  });

  it('works from CommonJS', async () => {
    const core = require('@tagcache/core') as typeof import('@tagcache/core');
    const cache = new core.CacheService({ backend: new core.MemoryBackend() });
    await cache.set('k', { at: new Date(0) }, { tags: ['t'] });
    expect(await cache.get('k')).toEqual({ at: new Date(0) });
    await cache.invalidateTags(['t']);
    expect(await cache.get('k')).toBeUndefined();
  });
});
