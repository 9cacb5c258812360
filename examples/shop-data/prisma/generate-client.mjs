// Generates the shop's Prisma clients from schema.prisma into ./generated/<provider>/ (git-ignored):
// `sqlite` for the embedded default and `postgresql` for DATABASE_URL=postgresql://...
// Does nothing when the schema and the Prisma version are unchanged since the last run.
// Prisma 7 generates without an engine binary, but refuses to start when
// PRISMA_SCHEMA_ENGINE_BINARY is unset and the engines were not downloaded (offline installs),
// so it is pointed at this script, which `prisma generate` never runs.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const generated = join(here, 'generated');
const require = createRequire(import.meta.url);
const cli = require.resolve('prisma/build/index.js');
const version = JSON.parse(readFileSync(require.resolve('prisma/package.json'), 'utf8')).version;
const schema = readFileSync(join(here, 'schema.prisma'), 'utf8');

for (const provider of ['sqlite', 'postgresql']) {
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
    cwd: here,
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? fileURLToPath(import.meta.url),
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    console.error(`prisma generate (${provider}) failed:\n${run.stdout}\n${run.stderr}`);
    process.exit(1);
  }
  writeFileSync(stampFile, stamp);
  console.log(`generated the shop's Prisma client for ${provider}`);
}
