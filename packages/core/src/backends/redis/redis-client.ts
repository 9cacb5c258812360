import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { CacheError, CacheUsageError } from '../../errors.js';
import type { RedisConnectionOptions } from './redis-types.js';

/** An ioredis client with ioredis' types, for the backend's internals (never in public types). */
export type IoredisClient = Redis | Cluster;

/**
 * Defaults for clients the backend creates: fail fast while disconnected (no offline queue, one
 * retry), and keep reconnecting in the background, so a restarted server is picked up again
 * without the application doing anything. Auto-pipelining sends the commands of one tick in
 * one write (at 100 concurrent reads, one syscall for dozens of commands instead of one each);
 * ioredis leaves SUBSCRIBE, MULTI and the like out of it.
 */
const FAIL_FAST: RedisOptions = {
  enableOfflineQueue: false,
  enableAutoPipelining: true,
  maxRetriesPerRequest: 1,
  connectTimeout: 2_000,
  retryStrategy: (times: number) => Math.min(50 * times, 1_000),
};

interface IoredisModule {
  Redis: new (url: string, options: RedisOptions) => Redis;
  Cluster: new (nodes: { host: string; port: number }[], options: ClusterOptions) => Cluster;
}

/** Loads ioredis only when a backend needs it, so `@tagcache/core` works without it. */
async function loadIoredis(): Promise<IoredisModule> {
  try {
    const mod = (await import('ioredis')) as unknown as Partial<IoredisModule> & { default?: IoredisModule };
    const Redis = mod.Redis ?? mod.default?.Redis ?? (mod.default as unknown as IoredisModule['Redis']);
    const Cluster = mod.Cluster ?? mod.default?.Cluster;
    if (typeof Redis !== 'function' || typeof Cluster !== 'function') throw new Error('unexpected exports');
    return { Redis, Cluster };
  } catch (error) {
    throw new CacheError('BACKEND', 'RedisBackend needs the ioredis package: npm install ioredis', {
      backend: 'redis',
      cause: error,
    });
  }
}

/** Parses `host:port` (IPv6 hosts in brackets). */
export function parseHostPort(node: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(node.trim());
  if (!match) throw new CacheUsageError(`expected host:port, got ${JSON.stringify(node)}`, 'clusterNodes');
  return { host: match[1]!, port: Number(match[2]) };
}

/**
 * Creates a client and waits until it is ready or has failed once (it keeps reconnecting then).
 * `onError` hears every connection error from the start (the first one is usually the cause
 * a user needs: `ECONNREFUSED`, `ENOTFOUND`).
 */
export async function createRedisClient(
  options: RedisConnectionOptions,
  onError: (error: Error) => void,
): Promise<IoredisClient> {
  const { Redis, Cluster } = await loadIoredis();
  let client: IoredisClient;
  // The public option types are `object` (see redis-types.ts): ioredis checks them at run time.
  const clusterOptions = options.clusterOptions as ClusterOptions | undefined;
  if (options.clusterNodes !== undefined && options.clusterNodes.length > 0) {
    client = new Cluster(options.clusterNodes.map(parseHostPort), {
      enableOfflineQueue: false,
      enableAutoPipelining: true,
      clusterRetryStrategy: (times: number) => Math.min(100 * times, 1_000),
      ...clusterOptions,
      redisOptions: {
        maxRetriesPerRequest: FAIL_FAST.maxRetriesPerRequest,
        connectTimeout: FAIL_FAST.connectTimeout,
        ...clusterOptions?.redisOptions,
      },
    });
  } else {
    client = new Redis(options.url ?? 'redis://127.0.0.1:6379', {
      ...FAIL_FAST,
      ...(options.redisOptions as RedisOptions | undefined),
    });
  }
  client.on('error', onError);
  await firstReadyOrError(client);
  return client;
}

/** A second connection for SUBSCRIBE, as eager to reconnect as the first. */
export async function duplicateForSubscribe(client: IoredisClient): Promise<IoredisClient> {
  const copy = client.isCluster ? (client as Cluster).duplicate() : (client as Redis).duplicate();
  // Without an 'error' listener, ioredis prints every reconnection failure.
  copy.on('error', () => {});
  await firstReadyOrError(copy);
  return copy;
}

function firstReadyOrError(client: IoredisClient): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      client.off('ready', done);
      client.off('error', done);
      client.off('end', done);
      resolve();
    };
    client.on('ready', done);
    client.on('error', done);
    client.on('end', done);
  });
}
