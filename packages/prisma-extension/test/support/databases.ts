import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import Database from 'better-sqlite3';
import pg from 'pg';
import { PrismaClient as PgClient } from '../prisma/generated/postgresql/client.js';
import { PrismaClient } from '../prisma/generated/sqlite/client.js';
import { PrismaClient as RenamedPgClient } from '../prisma/renamed/generated/postgresql/client.js';
import { PrismaClient as RenamedClient } from '../prisma/renamed/generated/sqlite/client.js';

/** Both generated clients have the same model API; the suite is typed with the SQLite one. */
export type BaseClient = PrismaClient;

/** A client of the next schema version (../prisma/renamed): model `Article` renamed `Post`, same table. */
export type NextVersionClient = RenamedClient;

/** A database the suite runs against: fresh tables, clients that count their queries. */
export interface TestDatabase {
  readonly name: 'sqlite' | 'postgresql';
  /** A new Prisma client on this database (`close` disconnects it). */
  client(options?: ClientOptions): CountedClient;
  /** A client of the next schema version on this database (`close` disconnects it). */
  nextVersionClient(): NextVersionClient;
  /** Deletes every row. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Client-level options the suite varies. */
export interface ClientOptions {
  readonly omit?: { readonly user?: { readonly email?: boolean } };
}

/** A client and the number of SQL statements it sent. */
export interface CountedClient {
  readonly prisma: BaseClient;
  queries(): number;
  /** SQL statements sent, newest last. */
  readonly log: string[];
}

const sqlDir = join(import.meta.dirname, '..', 'prisma');
const TABLES = ['articles', '_PostToTag', 'Comment', 'Profile', 'Post', 'Tag', 'Setting', 'User'];

function counted(prisma: BaseClient): CountedClient {
  const log: string[] = [];
  (prisma as unknown as { $on(e: 'query', cb: (e: { query: string }) => void): void }).$on('query', (e) =>
    log.push(e.query),
  );
  return { prisma, log, queries: () => log.length };
}

/** A temp-file SQLite database with the schema's tables. */
export function sqliteDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'tagcache-prisma-'));
  const file = join(dir, 'test.db');
  const db = new Database(file);
  db.exec(readFileSync(join(sqlDir, 'sqlite.sql'), 'utf8'));
  const clients: BaseClient[] = [];
  return {
    name: 'sqlite',
    client(options = {}) {
      const prisma = new PrismaClient({
        ...options,
        adapter: new PrismaBetterSqlite3({ url: `file:${file}` }),
        log: [{ emit: 'event', level: 'query' }],
      });
      clients.push(prisma);
      return counted(prisma);
    },
    nextVersionClient() {
      const prisma = new RenamedClient({ adapter: new PrismaBetterSqlite3({ url: `file:${file}` }) });
      clients.push(prisma as unknown as BaseClient);
      return prisma;
    },
    async reset() {
      for (const table of TABLES) db.prepare(`DELETE FROM "${table}"`).run();
    },
    async close() {
      await Promise.all(clients.map((c) => c.$disconnect()));
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The PostgreSQL URL the tests use. */
export const postgresUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** Whether PostgreSQL answers (under `CI=true` the suite runs regardless and fails loudly). */
export async function postgresAvailable(): Promise<boolean> {
  if (process.env.CI === 'true') return true;
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/** A PostgreSQL schema of its own (`tc_<random>`) with the tables, dropped on close. */
export async function postgresDatabase(): Promise<TestDatabase> {
  const schema = `tc_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.query(`SET search_path TO "${schema}"`);
  await admin.query(readFileSync(join(sqlDir, 'postgresql.sql'), 'utf8'));
  const clients: BaseClient[] = [];
  return {
    name: 'postgresql',
    client(options = {}) {
      const prisma = new PgClient({
        ...options,
        // search_path too, so raw SQL finds the tables.
        adapter: new PrismaPg(
          { connectionString: postgresUrl, options: `-c search_path=${schema}` },
          { schema },
        ),
        log: [{ emit: 'event', level: 'query' }],
      }) as unknown as BaseClient;
      clients.push(prisma);
      return counted(prisma);
    },
    nextVersionClient() {
      const prisma = new RenamedPgClient({
        adapter: new PrismaPg(
          { connectionString: postgresUrl, options: `-c search_path=${schema}` },
          { schema },
        ),
      }) as unknown as NextVersionClient;
      clients.push(prisma as unknown as BaseClient);
      return prisma;
    },
    async reset() {
      await admin.query(`TRUNCATE ${TABLES.map((t) => `"${t}"`).join(', ')} RESTART IDENTITY CASCADE`);
    },
    async close() {
      await Promise.all(clients.map((c) => c.$disconnect()));
      await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
      await admin.end();
    },
  };
}
