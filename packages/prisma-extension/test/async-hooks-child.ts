/**
 * Reports whether the process pays async hooks (`initHooksExist()` of Node's internals) after a
 * hit, a `$transaction` and a `$queryRawCached` of the extension (see `async-hooks.test.ts`).
 * Run from the repository root with `node --expose-internals --import tsx <this file>`; prints
 * one JSON line.
 */
import { createRequire } from 'node:module';
import { CacheService, MemoryBackend } from '@tagcache/core';
import { cacheExtension, prismaSerializer } from '@tagcache/prisma';
import { Prisma } from './prisma/generated/sqlite/client.js';
import { sqliteDatabase } from './support/databases.js';

const internals = createRequire(import.meta.url)('internal/async_hooks') as { initHooksExist(): boolean };
const hooked = (): boolean => internals.initHooksExist();

const database = sqliteDatabase();
const cache = new CacheService({ backend: new MemoryBackend(), serializer: prismaSerializer(Prisma) });
const prisma = database.client().prisma.$extends(cacheExtension({ cache }));
const seen: Record<string, boolean> = { before: hooked() };
/** Longer than the scopes' idle spell (1 s), after which they switch themselves off. */
const idle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1_200));
const user = await prisma.user.create({ data: { email: 'a@example.com', name: 'A' } });
await prisma.user.findUnique({ where: { id: user.id } });
await prisma.user.findUnique({ where: { id: user.id } });
await idle();
seen.afterHit = hooked();
await prisma.$transaction(async (tx) => tx.user.update({ where: { id: user.id }, data: { name: 'B' } }));
await idle();
seen.afterTransaction = hooked();
await prisma.$queryRawCached(Prisma.sql`SELECT 1`, { models: ['User'] });
await idle();
seen.afterRawRead = hooked();
process.stdout.write(`${JSON.stringify(seen)}\n`);
await cache.close();
await database.close();
