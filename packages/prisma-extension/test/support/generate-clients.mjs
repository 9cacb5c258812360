// Generates the Prisma clients the tests use (one per database) from ../prisma/schema.prisma into
// ../prisma/generated/<provider>/, and from ../prisma/renamed/schema.prisma (the same tables as a
// later version of the schema names them) into ../prisma/renamed/generated/<provider>/ (both
// git-ignored). Skips the work when a schema is unchanged.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatePrismaClients } from '../../../../scripts/prisma-clients.mjs';

const prismaDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'prisma');

export function generateClients() {
  generatePrismaClients(prismaDir);
  generatePrismaClients(join(prismaDir, 'renamed'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) generateClients();
