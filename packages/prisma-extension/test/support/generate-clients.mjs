// Generates the Prisma clients the tests use (one per database) from ../prisma/schema.prisma into
// ../prisma/generated/<provider>/ (git-ignored). Skips the work when the schema is unchanged.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatePrismaClients } from '../../../../scripts/prisma-clients.mjs';

const prismaDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'prisma');

export function generateClients() {
  generatePrismaClients(prismaDir);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) generateClients();
