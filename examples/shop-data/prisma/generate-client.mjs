// Generates the shop's Prisma clients from schema.prisma into ./generated/<provider>/ (git-ignored):
// `sqlite` for the embedded default and `postgresql` for DATABASE_URL=postgresql://...
// Does nothing when the schema and the Prisma version are unchanged since the last run.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatePrismaClients } from '../../../scripts/prisma-clients.mjs';

try {
  for (const provider of generatePrismaClients(dirname(fileURLToPath(import.meta.url)))) {
    console.log(`generated the shop's Prisma client for ${provider}`);
  }
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
