import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { PrismaClient, Prisma as PrismaNamespace } from './prisma/generated/sqlite/client.js';

/** The Prisma client of the shop's schema (the PostgreSQL client has the same model API). */
export type ShopClient = PrismaClient;

/** A connected database: its Prisma client and the generated `Prisma` namespace (for `Decimal`). */
export interface ShopDatabase {
  readonly prisma: ShopClient;
  readonly Prisma: typeof PrismaNamespace;
  /** True when this start created the rows. */
  readonly seeded: boolean;
}

const sql = (file: string): string => readFileSync(new URL(`./prisma/${file}`, import.meta.url), 'utf8');

/**
 * Opens `file:<path>` (SQLite) or `postgresql://...` (add `?schema=name` for a schema other than
 * `public`), creating the tables and the seed rows when they are missing.
 */
export function openDatabase(databaseUrl: string): Promise<ShopDatabase> {
  if (databaseUrl.startsWith('file:')) return openSqlite(resolve(databaseUrl.slice('file:'.length)));
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return openPostgres(databaseUrl);
  throw new Error('DATABASE_URL: expected file:<path> (SQLite) or postgresql://... (PostgreSQL)');
}

async function openSqlite(file: string): Promise<ShopDatabase> {
  const { default: Database } = await import('better-sqlite3');
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  let seeded = false;
  try {
    // IMMEDIATE: two processes starting on one new file seed it once.
    db.transaction(() => {
      db.exec(sql('sqlite.sql'));
      const { n } = db.prepare('SELECT COUNT(*) AS n FROM "Product"').get() as { n: number };
      if (n === 0) {
        db.exec(sql('seed.sql'));
        seeded = true;
      }
    }).immediate();
  } finally {
    db.close();
  }
  const { PrismaClient, Prisma } = await import('./prisma/generated/sqlite/client.js');
  const { PrismaBetterSqlite3 } = await import('@prisma/adapter-better-sqlite3');
  const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: `file:${file}` }) });
  return { prisma, Prisma, seeded };
}

async function openPostgres(databaseUrl: string): Promise<ShopDatabase> {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema') ?? 'public';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) throw new Error(`DATABASE_URL: bad schema name ${schema}`);
  url.searchParams.delete('schema');
  const connectionString = url.toString();

  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString });
  await admin.connect();
  let seeded = false;
  try {
    await admin.query('BEGIN');
    await admin.query('SELECT pg_advisory_xact_lock(7243)'); // one process creates and seeds
    await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await admin.query(`SET LOCAL search_path TO "${schema}"`);
    await admin.query(sql('postgresql.sql'));
    const { rows } = await admin.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM "Product"');
    if (rows[0]?.n === 0) {
      await admin.query(sql('seed.sql'));
      seeded = true;
    }
    await admin.query('COMMIT');
  } catch (error) {
    await admin.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await admin.end();
  }
  const { PrismaClient, Prisma } = await import('./prisma/generated/postgresql/client.js');
  const { PrismaPg } = await import('@prisma/adapter-pg');
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString }, { schema }) });
  return {
    prisma: prisma as unknown as ShopClient,
    Prisma: Prisma as unknown as typeof PrismaNamespace,
    seeded,
  };
}
