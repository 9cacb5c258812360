// Generates the Prisma clients the tests use (one per database) from ../prisma/schema.prisma into
// ../prisma/generated/<provider>/ (git-ignored). Skips the work when the schema is unchanged.
// `prisma generate` needs no engine binary on Prisma 7 but insists that PRISMA_SCHEMA_ENGINE_BINARY
// points at an existing file when set, so offline it is set to this script (it is never run).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const prismaDir = join(here, '..', 'prisma');
const generated = join(prismaDir, 'generated');
export const PROVIDERS = ['sqlite', 'postgresql'];

export function generateClients() {
  const schema = readFileSync(join(prismaDir, 'schema.prisma'), 'utf8');
  const require = createRequire(import.meta.url);
  const cli = require.resolve('prisma/build/index.js');
  const version = JSON.parse(readFileSync(require.resolve('prisma/package.json'), 'utf8')).version;
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
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) generateClients();
