/**
 * Databases for the Prisma scenario: the Prisma package's test schema and generated clients
 * (`npm run build -w packages/prisma-extension` generates them), on a temp-file SQLite database
 * and on a private PostgreSQL schema (`tc_bench_<random>`, dropped on close), seeded alike.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import Database from 'better-sqlite3';
import pg from 'pg';
import {
  PrismaClient as PgClient,
  Prisma as PgPrisma,
} from '../../packages/prisma-extension/test/prisma/generated/postgresql/client.js';
import { Prisma, PrismaClient } from '../../packages/prisma-extension/test/prisma/generated/sqlite/client.js';

/** Both generated clients have the same model API; the scenario is typed with the SQLite one. */
export type BaseClient = PrismaClient;
/** The generated `Prisma` namespace (for `prismaSerializer` and `Decimal`). */
export type PrismaNamespace = typeof Prisma;

export const POSTS = 10_000;
export const USERS = 1_000;
export const COMMENTS_PER_POST = 2;

/** A seeded database: one base client (no logging, no extension) and the ids of its posts. */
export interface BenchDatabase {
  readonly name: 'SQLite' | 'PostgreSQL';
  readonly prisma: BaseClient;
  readonly Prisma: PrismaNamespace;
  /** Post ids in ascending order. */
  readonly postIds: readonly number[];
  close(): Promise<void>;
}

/** The test schema has no index on the foreign key `include: { comments }` looks up; a real one would. */
const COMMENT_INDEX = 'CREATE INDEX "Comment_postId_idx" ON "Comment"("postId")';

const sqlDir = fileURLToPath(new URL('../../packages/prisma-extension/test/prisma/', import.meta.url));

/** The PostgreSQL URL (as in the Prisma tests): `DATABASE_URL`, else local trust auth. */
export const postgresUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** Why PostgreSQL cannot be used, or undefined when it answers. */
export async function postgresProblem(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

/** SQLite (better-sqlite3 adapter) in a temp file, seeded. */
export async function sqliteDatabase(): Promise<BenchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'tagcache-bench-prisma-'));
  const file = join(dir, 'bench.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(readFileSync(join(sqlDir, 'sqlite.sql'), 'utf8'));
  db.exec(COMMENT_INDEX);
  db.close();
  const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: `file:${file}` }) });
  try {
    const postIds = await seed(prisma, Prisma);
    return {
      name: 'SQLite',
      prisma,
      Prisma,
      postIds,
      async close() {
        await prisma.$disconnect();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await prisma.$disconnect();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** PostgreSQL (pg adapter) in a schema of its own, seeded; `close` drops the schema. */
export async function postgresDatabase(): Promise<BenchDatabase> {
  const schema = `tc_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  let prisma: BaseClient | undefined;
  const drop = async (): Promise<void> => {
    await prisma?.$disconnect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  };
  try {
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.query(`SET search_path TO "${schema}"`);
    await admin.query(readFileSync(join(sqlDir, 'postgresql.sql'), 'utf8'));
    await admin.query(COMMENT_INDEX);
    prisma = new PgClient({
      adapter: new PrismaPg(
        { connectionString: postgresUrl, options: `-c search_path=${schema}` },
        { schema },
      ),
    }) as unknown as BaseClient;
    const postIds = await seed(prisma, PgPrisma as unknown as PrismaNamespace);
    await admin.query('ANALYZE');
    return {
      name: 'PostgreSQL',
      prisma,
      Prisma: PgPrisma as unknown as PrismaNamespace,
      postIds,
      close: drop,
    };
  } catch (error) {
    await drop();
    throw error;
  }
}

/**
 * USERS users; POSTS posts (a DateTime and a Decimal each, so a lossy cache shows); each post
 * COMMENTS_PER_POST comments. Returns the post ids.
 */
async function seed(prisma: BaseClient, P: PrismaNamespace): Promise<number[]> {
  const CHUNK = 1_000;
  const users = Array.from({ length: USERS }, (_, u) => ({
    email: `user${u}@example.com`,
    name: `User ${u}`,
  }));
  for (let i = 0; i < users.length; i += CHUNK)
    await prisma.user.createMany({ data: users.slice(i, i + CHUNK) });
  const userIds = (await prisma.user.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map(
    (u) => u.id,
  );
  for (let i = 0; i < POSTS; i += CHUNK) {
    await prisma.post.createMany({
      data: Array.from({ length: Math.min(CHUNK, POSTS - i) }, (_, k) => {
        const n = i + k;
        return {
          title: `Post ${n}: a title of ordinary length`,
          published: n % 3 !== 0,
          publishedAt: new Date(Date.UTC(2024, 0, 1) + n * 3_600_000),
          price: new P.Decimal(`${(n % 500) + 0.99}`),
          authorId: userIds[n % userIds.length]!,
        };
      }),
    });
  }
  const postIds = (await prisma.post.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map(
    (p) => p.id,
  );
  for (let i = 0; i < postIds.length; i += CHUNK / COMMENTS_PER_POST) {
    await prisma.comment.createMany({
      data: postIds.slice(i, i + CHUNK / COMMENTS_PER_POST).flatMap((postId, k) =>
        Array.from({ length: COMMENTS_PER_POST }, (_, c) => ({
          body: `Comment ${c} on post ${postId}`,
          postId,
          authorId: userIds[(i + k + c + 1) % userIds.length]!,
        })),
      ),
    });
  }
  return postIds;
}
