// @ts-expect-error: a plain ESM script shared with the package's build step (no declarations).
import { generateClients } from './generate-clients.mjs';

/** Generates the test Prisma clients when they are missing or stale. */
export default function setup(): void {
  generateClients();
}
