import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
  { pkg: '@tagcache/dashboard', dir: 'packages/dashboard', subpaths: ['.', './express', './koa'] },
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

describe('published manifests', () => {
  const manifests = readdirSync(new URL('packages/', root))
    .map((dir) => ({ dir, path: new URL(`packages/${dir}/package.json`, root) }))
    .filter(({ path }) => existsSync(path))
    .map(({ dir, path }) => ({ dir, manifest: JSON.parse(readFileSync(path, 'utf8')) as Manifest }))
    .filter(({ manifest }) => manifest.private !== true);

  it.each(manifests)(
    '$manifest.name declares engines, repository, homepage, license and ships LICENSE',
    ({ dir, manifest }) => {
      expect(manifest.engines?.node).toMatch(/^>=\s*20/);
      expect(manifest.repository?.directory).toBe(`packages/${dir}`);
      expect(manifest.homepage).toMatch(/^https:\/\//);
      expect(manifest.license).toBe('MIT');
      expect(manifest.files).toContain('LICENSE');
      expect(existsSync(new URL(`packages/${dir}/LICENSE`, root))).toBe(true);
    },
  );

  it.each(manifests.filter(({ manifest }) => manifest.name !== '@tagcache/core'))(
    '$manifest.name takes @tagcache/core as a peer dependency with a range (one copy in the app)',
    ({ manifest }) => {
      expect(manifest.dependencies?.['@tagcache/core']).toBeUndefined();
      expect(manifest.peerDependencies?.['@tagcache/core']).toMatch(/^\^\d+\.\d+\.\d+$/);
    },
  );
});

interface Manifest {
  readonly name: string;
  readonly private?: boolean;
  readonly license?: string;
  readonly homepage?: string;
  readonly files?: readonly string[];
  readonly engines?: { readonly node?: string };
  readonly repository?: { readonly directory?: string };
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}
