import { fileURLToPath } from 'node:url';

/** What the shop runs on, read from the environment: embedded defaults, real services on request. */
export interface ShopSettings {
  /** `PORT` (0 picks a free one). */
  readonly port: number;
  /** `DATABASE_URL`: `file:<path>` for SQLite (the default), `postgresql://...` for PostgreSQL. */
  readonly databaseUrl: string;
  /** `REDIS_URL` or `MEMCACHED_SERVERS` when set; otherwise the in-process memory backend. */
  readonly cache:
    | { readonly type: 'memory' }
    | { readonly type: 'redis'; readonly url: string }
    | { readonly type: 'memcached'; readonly servers: string };
  /** `VARNISH_URL`: a Varnish in front of the shop (examples/varnish), purged by every write. */
  readonly varnishUrl: string | undefined;
}

/** The SQLite file used when `DATABASE_URL` is not set (created and seeded on first start). */
export const defaultSqliteFile = fileURLToPath(new URL('./shop.db', import.meta.url));

export function readSettings(env: NodeJS.ProcessEnv, defaultPort: number): ShopSettings {
  const port = env.PORT === undefined || env.PORT === '' ? defaultPort : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`PORT: expected a port number, got ${JSON.stringify(env.PORT)}`);
  }
  const cache: ShopSettings['cache'] = env.REDIS_URL
    ? { type: 'redis', url: env.REDIS_URL }
    : env.MEMCACHED_SERVERS
      ? { type: 'memcached', servers: env.MEMCACHED_SERVERS }
      : { type: 'memory' };
  return {
    port,
    databaseUrl: env.DATABASE_URL || `file:${defaultSqliteFile}`,
    cache,
    varnishUrl: env.VARNISH_URL || undefined,
  };
}

/** A one-line description for the start-up banner (no credentials). */
export function describe(settings: ShopSettings): string {
  const database = settings.databaseUrl.startsWith('file:')
    ? `SQLite ${settings.databaseUrl.slice('file:'.length)}`
    : `PostgreSQL ${redact(settings.databaseUrl)}`;
  const cache =
    settings.cache.type === 'memory'
      ? 'memory'
      : settings.cache.type === 'redis'
        ? `Redis ${redact(settings.cache.url)}`
        : `memcached ${settings.cache.servers}`;
  const varnish =
    settings.varnishUrl === undefined ? '' : `; purges Varnish at ${redact(settings.varnishUrl)}`;
  return `database: ${database}; cache: ${cache}${varnish}`;
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
