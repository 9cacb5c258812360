/**
 * Prisma reads over 10,000 seeded posts (2 comments each) on SQLite and PostgreSQL:
 * `post.findUnique` by id (2,000 keys: every 5th row) and `post.findMany` (take 50, include
 * comments; 200 pages), one at a time and 32 in flight. Uncached Prisma is the reference;
 * against it: tagcache on memory and on Redis, prisma-extension-redis, and a naive extension
 * keeping `JSON.stringify`ed results in a Map (the limit of a serialized in-memory hit).
 * Every cache is warmed first, and the scenario checks that the measured reads were hits and
 * which subjects give back the types Prisma returns (Date, Decimal).
 */
import { Redis } from 'ioredis';
import { startRedis } from '../../test/support/servers.js';
import { measure, type Subject } from '../lib/measure.js';
import { type BenchClient, benchClients, type PostReads } from '../lib/prisma-clients.js';
import {
  type BenchDatabase,
  POSTS,
  type PrismaNamespace,
  postgresDatabase,
  postgresProblem,
  postgresUrl,
  sqliteDatabase,
} from '../lib/prisma-db.js';
import { report } from '../lib/report.js';

const CONCURRENCY = 32;
const PAGE = 50;
const PAGES = POSTS / PAGE;
/** findUnique reads every 5th post: 2,000 keys spread over the table (warming all 10,000 costs too long). */
const STRIDE = 5;
const UNIQUE_KEYS = POSTS / STRIDE;
/**
 * The measure's defaults (5 rounds of 300 ms after a warm-up round): with 3 rounds of 200 ms the
 * first table measured (SQLite, one at a time) ran its subjects barely warmed up, and two runs
 * of the same code differed by up to 40% on it. All 8 tables of 5 subjects take ~2.5 min on 2
 * cores.
 */
const MEASURE = { roundMs: 300, rounds: 5 };

interface Query {
  readonly name: string;
  /** Distinct keys the op cycles through (all of them are warmed). */
  readonly keys: number;
  op(client: PostReads, i: number): Promise<unknown>;
}

function queries(postIds: readonly number[]): Query[] {
  return [
    {
      name: 'findUnique by id',
      keys: UNIQUE_KEYS,
      // Every STRIDE-th row; 7919 is prime to UNIQUE_KEYS, so consecutive reads land far apart.
      op: async (c, i) => c.post.findUnique({ where: { id: postIds[((i * 7919) % UNIQUE_KEYS) * STRIDE]! } }),
    },
    {
      name: `findMany take ${PAGE}, include comments`,
      keys: PAGES,
      op: async (c, i) =>
        c.post.findMany({
          where: { id: { gte: postIds[((i * 7) % PAGES) * PAGE]! } },
          orderBy: { id: 'asc' },
          take: PAGE,
          include: { comments: true },
        }),
    },
  ];
}

async function run(): Promise<void> {
  const redisServer = await startRedis();
  const redisUrl = `redis://127.0.0.1:${redisServer.port}`;
  const admin = new Redis(redisUrl);
  try {
    await onDatabase('SQLite', sqliteDatabase, redisUrl, admin);
    const problem = await postgresProblem();
    if (problem) console.log(`\nPostgreSQL is not reachable at ${postgresUrl} (${problem}): skipped.`);
    else await onDatabase('PostgreSQL', postgresDatabase, redisUrl, admin);
  } finally {
    admin.disconnect();
    await redisServer.stop();
  }
}

async function onDatabase(
  label: string,
  open: () => Promise<BenchDatabase>,
  redisUrl: string,
  admin: Redis,
): Promise<void> {
  const seedStart = performance.now();
  const db = await open();
  console.log(`\n${label}: seeded in ${Math.round(performance.now() - seedStart)} ms`);
  await admin.flushdb(); // this run's own redis-server: start each database from an empty cache
  const clients = await benchClients(db, redisUrl);
  try {
    for (const query of queries(db.postIds)) {
      const warmStart = performance.now();
      for (const c of clients) if (c.misses() !== undefined) await warm(c, query);
      const typeNotes = await typesOnHit(clients, query, db.Prisma);
      const missesBefore = clients.map((c) => c.misses());
      const errorsBefore = clients.map((c) => c.errors());
      console.log(`${label} ${query.name}: caches warmed in ${Math.round(performance.now() - warmStart)} ms`);
      for (const concurrency of [1, CONCURRENCY]) {
        const subjects: Subject[] = clients.map((c) => ({
          name: c.name,
          ...(c.reference && { reference: true }),
          ...(concurrency > 1 && { concurrency }),
          op: (i: number) => query.op(c.client, i),
        }));
        const rows = await measure(subjects, MEASURE);
        const missed = clients
          .map((c, k) => [c.name, (c.misses() ?? 0) - (missesBefore[k] ?? 0)] as const)
          .filter(([, n]) => n > 0)
          .map(([name, n]) => `${name} ${n}`);
        report({
          scenario: 'prisma',
          title: `Prisma on ${label}: ${query.name}, ${concurrency === 1 ? 'one at a time' : `${concurrency} in flight`}`,
          rows,
          notes: [
            ...goals(concurrency),
            typeNotes,
            missed.length === 0
              ? 'Every cached read measured was a hit.'
              : `Misses while measuring (should be none): ${missed.join(', ')}.`,
            ...errorNote(clients, errorsBefore),
          ],
        });
      }
    }
  } finally {
    for (const c of clients) await c.close();
    await db.close();
  }
}

function goals(concurrency: number): string[] {
  const lines = [
    'Goal: tagcache memory ≥ 0.9× the naive JSON Map (the limit of a serialized in-memory hit).',
    'Goal: tagcache Redis ahead of prisma-extension-redis, with correct types.',
  ];
  if (concurrency > 1) lines.push(`Goal: at ${concurrency} in flight, no cache slower than uncached Prisma.`);
  return lines;
}

/**
 * Reads every key through `c` once. A cache error on the way (a timeout on a loaded machine,
 * then an open circuit) leaves keys unstored: warm again, up to three times in all.
 */
async function warm(c: BenchClient, query: Query): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const before = c.errors();
    await drive(query.keys, (i) => query.op(c.client, i));
    const failed = c.errors() - before;
    if (failed === 0) return;
    console.log(`${c.name}: ${failed} cache errors while warming (attempt ${attempt})`);
    if (attempt === 3) return;
  }
}

function errorNote(clients: readonly BenchClient[], before: readonly number[]): string[] {
  const failed = clients
    .map((c, k) => [c.name, c.errors() - before[k]!] as const)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name} ${n}`);
  return failed.length === 0
    ? []
    : [`Cache errors while measuring (each one a database read): ${failed.join(', ')}.`];
}

/** Runs `op` over `keys` counters, CONCURRENCY at a time (warms a cache with every key). */
async function drive(keys: number, op: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keys) await op(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/** Which clients return a hit with the types Prisma gives (Date, Decimal), as a note line. */
async function typesOnHit(
  clients: readonly BenchClient[],
  query: Query,
  P: PrismaNamespace,
): Promise<string> {
  const verdicts: string[] = [];
  for (const c of clients) {
    const result = await query.op(c.client, 0);
    const row = (Array.isArray(result) ? result[0] : result) as { publishedAt?: unknown; price?: unknown };
    const ok = row.publishedAt instanceof Date && P.Decimal.isDecimal(row.price);
    verdicts.push(
      `${c.name} ${ok ? 'yes' : `no (publishedAt: ${typeName(row.publishedAt)}, price: ${typeName(row.price)})`}`,
    );
  }
  return `Hit returns Date and Decimal as Prisma does: ${verdicts.join('; ')}.`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}

export default {
  name: 'prisma',
  description:
    'Prisma findUnique / findMany (SQLite, PostgreSQL; 1 and 32 in flight) vs prisma-extension-redis and a naive JSON Map',
  run,
};
