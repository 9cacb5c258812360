import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { CacheError } from '../../errors.js';
import type { RedisConnectionSettings } from './redis-connection.js';

export { parseHostPort } from './redis-connection.js';

/** An ioredis client with ioredis' types, for the backend's internals (never in public types). */
export type IoredisClient = Redis | Cluster;

/**
 * Defaults for clients the backend creates: fail fast while disconnected (no offline queue, one
 * retry), and keep reconnecting in the background, at least every 250 ms, so a restarted server
 * is picked up again within a fraction of a second without the application doing anything.
 * A `READONLY` reply (the node was demoted to a replica by a failover) fails the command (it
 * is never reported as stored) and makes the client reconnect, through the sentinels when
 * there are some, to the current master. Auto-pipelining sends the commands of one tick in
 * one write (at 100 concurrent reads, one syscall for dozens of commands instead of one each);
 * ioredis leaves SUBSCRIBE, MULTI and the like out of it, and the backend leaves out MGET: its
 * reads are already one MGET per turn (see `mget-batcher.ts`), and auto-pipelining that MGET
 * again would cost a `Pipeline`, a scan of every key for the first one, and a second copy of
 * the key list per batch.
 */
/** Reconnection delay: 50 ms more per attempt, at most 250 ms. */
const retryDelay = (times: number): number => Math.min(50 * times, 250);

const FAIL_FAST: RedisOptions = {
  enableOfflineQueue: false,
  enableAutoPipelining: true,
  autoPipeliningIgnoredCommands: ['mget'],
  maxRetriesPerRequest: 1,
  connectTimeout: 2_000,
  retryStrategy: retryDelay,
  reconnectOnError: (error: Error) => (/^READONLY\b/.test(error.message) ? 1 : false),
};

interface IoredisModule {
  Redis: { new (url: string, options: RedisOptions): Redis; new (options: RedisOptions): Redis };
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

/**
 * Creates a client and waits until it is ready or has failed once (it keeps reconnecting then).
 * `onError` hears every connection error from the start (the first one is usually the cause
 * a user needs: `ECONNREFUSED`, `ENOTFOUND`).
 */
export async function createRedisClient(
  settings: RedisConnectionSettings,
  onError: (error: Error) => void,
): Promise<IoredisClient> {
  const { Redis, Cluster } = await loadIoredis();
  let client: IoredisClient;
  const auth = credentials(settings);
  // The public option types are `object` (see redis-types.ts): ioredis checks them at run time.
  const clusterOptions = settings.clusterOptions as ClusterOptions | undefined;
  if (settings.mode === 'cluster') {
    client = new Cluster(
      settings.clusterNodes.map((node) => ({ ...node })),
      {
        enableOfflineQueue: false,
        enableAutoPipelining: true,
        clusterRetryStrategy: retryDelay,
        // A master that restarts (same address, same slots) is reconnected to in the background
        // like a single node; its `ready` is then the backend's "connected again" signal.
        clusterNodeRetryStrategy: retryDelay,
        ...clusterOptions,
        redisOptions: {
          maxRetriesPerRequest: FAIL_FAST.maxRetriesPerRequest,
          connectTimeout: FAIL_FAST.connectTimeout,
          ...auth,
          ...(settings.tls !== undefined && { tls: { ...settings.tls } as RedisOptions['tls'] }),
          ...clusterOptions?.redisOptions,
        },
      },
    );
  } else if (settings.mode === 'sentinel') {
    client = new Redis({
      ...FAIL_FAST,
      ...auth,
      sentinels: settings.sentinels.map((node) => ({ ...node })),
      name: settings.name,
      ...(settings.sentinelUsername !== undefined && { sentinelUsername: settings.sentinelUsername }),
      ...(settings.sentinelPassword !== undefined && { sentinelPassword: settings.sentinelPassword }),
      sentinelRetryStrategy: retryDelay,
      // No `failoverDetector`: its +switch-master handler can disconnect a client that is
      // reconnecting, which ioredis 5 then ends for good ("Connection is closed", status `end`).
      // A dead master closes the connection anyway, and a demoted one answers READONLY, which
      // reconnects through the sentinels (`reconnectOnError`).
      ...(settings.tls !== undefined && { tls: { ...settings.tls } as RedisOptions['tls'] }),
      ...(settings.redisOptions as RedisOptions | undefined),
    });
  } else {
    client = new Redis(settings.url, {
      ...FAIL_FAST,
      ...auth,
      ...(settings.tls !== undefined && { tls: { ...settings.tls } as RedisOptions['tls'] }),
      ...(settings.redisOptions as RedisOptions | undefined),
    });
  }
  client.on('error', onError);
  await firstReadyOrError(client);
  return client;
}

/** The data nodes' credentials, when given as options (a URL's userinfo is ioredis' to parse). */
function credentials(settings: RedisConnectionSettings): Pick<RedisOptions, 'username' | 'password'> {
  return {
    ...(settings.username !== undefined && { username: settings.username }),
    ...(settings.password !== undefined && { password: settings.password }),
  };
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
