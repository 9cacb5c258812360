import { CacheError, type CacheErrorCode } from '../../errors.js';

/** The part of a memjs `Client` the backend uses (memjs's promise forms). */
export interface MemjsClient {
  get(key: string): Promise<{ value: Buffer | null; flags: Buffer | null }>;
  set(key: string, value: Buffer, options?: { expires?: number }): Promise<boolean>;
  add(key: string, value: Buffer, options?: { expires?: number }): Promise<boolean>;
  delete(key: string): Promise<boolean>;
  increment(
    key: string,
    amount: number,
    options?: { initial?: number; expires?: number },
  ): Promise<{ success: boolean; value?: number | null }>;
  decrement(
    key: string,
    amount: number,
    options?: { initial?: number; expires?: number },
  ): Promise<{ success: boolean; value?: number | null }>;
  stats(callback: (err: Error | null, server: string, stats: Record<string, string> | null) => void): void;
  close(): void;
  readonly servers: readonly unknown[];
}

/** Settings for a client the backend creates. */
export interface MemjsClientSettings {
  readonly servers: string;
  readonly timeoutMs: number;
  readonly retries: number;
}

interface MemjsModule {
  Client: { create(servers: string, options: Record<string, unknown>): MemjsClient };
}

const silent = { log: (): void => {} };

/** Loads memjs on first use (it is an optional peer dependency) and creates a client. */
export async function createMemjsClient(settings: MemjsClientSettings): Promise<MemjsClient> {
  let mod: MemjsModule;
  try {
    const loaded = (await import('memjs')) as unknown as Partial<MemjsModule> & { default?: MemjsModule };
    mod = loaded.Client ? (loaded as MemjsModule) : loaded.default!;
    if (typeof mod?.Client?.create !== 'function') throw new Error('unexpected exports');
  } catch (error) {
    throw new CacheError('BACKEND', 'MemcachedBackend needs the memjs package: npm install memjs', {
      backend: 'memcached',
      cause: error,
    });
  }
  return mod.Client.create(settings.servers, {
    // memjs counts the first attempt as a retry: 1 means "no retry", so a dead server fails fast.
    retries: settings.retries + 1,
    retry_delay: 0.05,
    timeout: settings.timeoutMs / 1000,
    conntimeout: (2 * settings.timeoutMs) / 1000,
    keepAlive: true,
    failover: false,
    logger: silent,
  });
}

/** Classifies a memjs failure. */
export function memcachedErrorCode(error: unknown): CacheErrorCode {
  const message = error instanceof Error ? error.message : String(error);
  if (/value too large/i.test(message)) return 'VALUE_TOO_LARGE';
  if (/timed out waiting/i.test(message)) return 'TIMEOUT';
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return 'CONNECTION';
  if (/no servers available|timed out connecting|econn|socket|closed|not connected/i.test(message)) {
    return 'CONNECTION';
  }
  return 'BACKEND';
}

/** Wraps a memjs failure as a `CacheError`. */
export function toMemcachedError(error: unknown, key?: string): CacheError {
  return CacheError.from(error, memcachedErrorCode(error), {
    backend: 'memcached',
    ...(key !== undefined && { key }),
  });
}
