import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memcachedServers, redisUrl } from '../support/test-servers.js';
import { asCjs, asEsm, readmes, type Snippet, snippetsOf } from './readme-snippets.js';

/**
 * The first hour of a new user: the publishable packages are packed (`npm pack`), installed
 * from their tarballs into fresh apps outside the workspace, and every runnable README block
 * is type-checked (strict, `moduleResolution: nodenext`, no `skipLibCheck`) and run, as an ES
 * module and as CommonJS. A memory-only app without ioredis or memjs must compile too: the
 * core's types need no optional peer. `npm test` builds the packages first.
 */
const run = promisify(execFile);
const root = new URL('../../', import.meta.url);
const rootManifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  devDependencies: Record<string, string>;
};
const url = redisUrl();
const servers = memcachedServers();

const snippets = readmes(root).flatMap(({ path, name }) => snippetsOf(path, name));
const runnable = snippets.filter((snippet) => !snippet.fragment);

/** What the apps install besides the tarballs, at the workspace's versions (in the npm cache). */
const APP_DEPENDENCIES = [
  'typescript',
  '@types/node',
  'express',
  '@types/express',
  'koa',
  '@types/koa',
  '@koa/router',
  'ioredis',
  'memjs',
];

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'es2022',
    outDir: 'out',
    rootDir: 'src',
    types: ['node'],
  },
  include: ['src'],
};

let workdir: string;
let tarballs: string[];

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('npm', args, {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  return stdout;
}

/** An app with the given dependencies, installed from the npm cache when possible. */
async function createApp(name: string, dependencies: Record<string, string>): Promise<string> {
  const dir = join(workdir, name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, dependencies }, null, 2));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  await npm(
    ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
    dir,
  );
  return dir;
}

/** `tsc -p` in `dir`: its diagnostics, or '' when the app compiles. */
async function typecheck(dir: string): Promise<string> {
  try {
    await run(join(dir, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: dir });
    return '';
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

/** A block's text as the test runs it: the README's Redis address becomes the test server's. */
const localize = (source: string): string => source.replaceAll('redis://localhost:6379', url!);

describe.skipIf(!url || !servers)('README snippets, from the packed packages', () => {
  let app: string;
  let compileErrors: string;

  beforeAll(async () => {
    workdir = mkdtempSync(join(tmpdir(), 'tagcache-readme-'));
    const packed = join(workdir, 'tarballs');
    mkdirSync(packed);
    tarballs = [];
    for (const { name } of readmes(root).filter((readme) => readme.name !== 'root')) {
      const out = await npm(
        ['pack', '--json', '--pack-destination', packed, '--loglevel=error'],
        new URL(`packages/${name}/`, root).pathname,
      );
      const [{ filename }] = JSON.parse(out) as [{ filename: string }];
      tarballs.push(join(packed, filename));
    }
    const versions = Object.fromEntries(
      APP_DEPENDENCIES.map((dep) => [dep, rootManifest.devDependencies[dep]!]),
    );
    const fromTarballs = await packageNames(tarballs);
    app = await createApp('app', { ...fromTarballs, ...versions });
    for (const snippet of runnable) {
      writeFileSync(join(app, 'src', `${snippet.id}.mts`), localize(asEsm(snippet)));
      writeFileSync(join(app, 'src', `${snippet.id}.cts`), localize(asCjs(snippet)));
    }
    compileErrors = await typecheck(app);
  }, 600_000);

  afterAll(() => {
    if (workdir !== undefined && existsSync(workdir)) rmSync(workdir, { recursive: true, force: true });
  });

  it('finds the README blocks (runnable ones, and fragments marked as such)', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(9);
  });

  it('every runnable block type-checks as ESM and as CommonJS (strict, nodenext, no skipLibCheck)', () => {
    expect(compileErrors).toBe('');
  });

  it.each(runnable.map((snippet) => [snippet.id, snippet] as const))(
    '%s runs as ESM and as CommonJS',
    async (_id, snippet: Snippet) => {
      const env = { ...process.env, REDIS_URL: url!, MEMCACHED_SERVERS: servers! };
      const esm = `await import('./out/${snippet.id}.mjs'); process.exit(0);`;
      await run(process.execPath, ['--input-type=module', '-e', esm], { cwd: app, env });
      const cjs = `require('./out/${snippet.id}.cjs').main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });`;
      await run(process.execPath, ['-e', cjs], { cwd: app, env });
    },
    60_000,
  );

  it("a memory-only app compiles without ioredis or memjs installed (the core's types need no optional peer)", async () => {
    const core = tarballs.find((file) => /tagcache-core-/.test(file))!;
    const bare = await createApp('bare', {
      '@tagcache/core': `file:${core}`,
      typescript: rootManifest.devDependencies.typescript!,
      '@types/node': rootManifest.devDependencies['@types/node']!,
    });
    expect(existsSync(join(bare, 'node_modules/ioredis'))).toBe(false);
    writeFileSync(
      join(bare, 'src', 'memory.mts'),
      [
        "import { CacheService, MemoryBackend } from '@tagcache/core';",
        'const cache = new CacheService({ backend: new MemoryBackend() });',
        "await cache.set('k', 1, { tags: ['t'] });",
        'export {};',
      ].join('\n'),
    );
    expect(await typecheck(bare)).toBe('');
  }, 600_000);
});

/** `{ name: 'file:<tarball>' }` for each tarball. */
async function packageNames(files: readonly string[]): Promise<Record<string, string>> {
  const entries = await Promise.all(
    files.map(async (file) => {
      const { stdout } = await run('tar', ['-xOzf', file, 'package/package.json']);
      return [(JSON.parse(stdout) as { name: string }).name, `file:${file}`] as const;
    }),
  );
  return Object.fromEntries(entries);
}
