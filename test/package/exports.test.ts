import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The published shape: every package's built ESM and CJS entries load in Node and expose the
 * same names (many Express and ioredis users are on CommonJS). The build global setup rebuilds
 * any package whose dist is older than its sources before these run.
 */
const require = createRequire(import.meta.url);
const root = new URL('../../', import.meta.url);

const entries = [
  { pkg: '@tagcache/core', dir: 'packages/core', subpaths: ['.', './backend', './config'] },
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

  it('keeps internals out of the root entry and gives backend authors their own subpath', () => {
    const core = require('@tagcache/core') as Record<string, unknown>;
    const backend = require('@tagcache/core/backend') as Record<string, unknown>;
    for (const internal of [
      'TagVersions',
      'SingleFlight',
      'encodeEntry',
      'decodeEntry',
      'LOCK_RELEASED_CHANNEL',
      'memcachedKey',
      'backendFactories',
      'loadCachesConfig',
      'ok',
      'err',
    ]) {
      expect(core[internal], internal).toBeUndefined();
    }
    for (const name of [
      'ok',
      'err',
      'encodeEntry',
      'decodeEntry',
      'ResilientBackend',
      'INTERNAL_KEY_PREFIX',
    ]) {
      expect(backend[name], name).toBeDefined();
    }
  });

  it('shares one copy of each class between subpaths in CommonJS (instanceof holds)', async () => {
    const core = require('@tagcache/core') as typeof import('@tagcache/core');
    const backend = require('@tagcache/core/backend') as typeof import('@tagcache/core/backend');
    const down = {
      name: 'down',
      capabilities: {},
      get: async () => backend.err(new core.CacheError('CONNECTION', 'down')),
    } as unknown as import('@tagcache/core/backend').CacheBackend;
    const wrapped = new backend.ResilientBackend(down, { circuitBreaker: { failureThreshold: 1 } });
    await wrapped.get('k');
    const open = await wrapped.get('k');
    expect(open.ok).toBe(false);
    // The CIRCUIT_OPEN error is made by the /backend entry and checked against the root's class.
    expect(!open.ok && open.error).toBeInstanceOf(core.CacheError);
    expect(!open.ok && open.error.code).toBe('CIRCUIT_OPEN');
  });

  it('loads YAML config through the config subpath, from ESM and CommonJS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagcache-config-'));
    const path = join(dir, 'caches.yaml');
    writeFileSync(path, 'backends:\n  - name: hot\n    type: memory\n');
    const cjs = require('@tagcache/core/config') as typeof import('@tagcache/core/config');
    const esm = (await import(
      pathToFileURL(new URL('packages/core/dist/config/index.js', root).pathname).href
    )) as typeof import('@tagcache/core/config');
    expect(cjs.loadCachesConfig(path)).toEqual({ backends: [{ name: 'hot', type: 'memory' }] });
    expect(esm.loadCachesConfig(path)).toEqual(cjs.loadCachesConfig(path));
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
