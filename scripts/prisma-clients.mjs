// Generates one Prisma client per database from <prismaDir>/schema.prisma into
// <prismaDir>/generated/<provider>/ (git-ignored): `sqlite` and `postgresql`. The schema is
// written for sqlite with `output = "./generated/sqlite"`; both lines are rewritten per provider.
// Skips a provider when the schema and the Prisma version are unchanged since its last run.
// Prisma 7 generates without an engine binary, but refuses to start offline unless
// PRISMA_SCHEMA_ENGINE_BINARY names an existing file: it is pointed at this script, never run.
// Shared by the Prisma extension's tests and the example shop.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROVIDERS = ['sqlite', 'postgresql'];

/** Generates the clients of `prismaDir`; returns the providers it (re)generated. Throws on failure. */
export function generatePrismaClients(prismaDir) {
  const generated = join(prismaDir, 'generated');
  const schema = readFileSync(join(prismaDir, 'schema.prisma'), 'utf8');
  const require = createRequire(import.meta.url);
  const cli = require.resolve('prisma/build/index.js');
  const version = JSON.parse(readFileSync(require.resolve('prisma/package.json'), 'utf8')).version;
  const done = [];
  for (const provider of PROVIDERS) {
    const text = schema
      .replace('provider = "sqlite"', `provider = "${provider}"`)
      .replace('./generated/sqlite', `../${provider}`);
    const stamp = createHash('sha256').update(`${version}\n${text}`).digest('hex');
    const stampFile = join(generated, provider, '.schema-hash');
    if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) continue;
    mkdirSync(join(generated, 'schemas'), { recursive: true });
    const file = join(generated, 'schemas', `${provider}.prisma`);
    writeFileSync(file, text);
    const run = spawnSync(process.execPath, [cli, 'generate', '--schema', file], {
      cwd: prismaDir,
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY:
          process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? fileURLToPath(import.meta.url),
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
        CHECKPOINT_DISABLE: '1',
      },
      encoding: 'utf8',
    });
    if (run.status !== 0) {
      throw new Error(`prisma generate (${provider}) failed:\n${run.stdout}\n${run.stderr}`);
    }
    writeFileSync(stampFile, stamp);
    done.push(provider);
  }
  return done;
}
