import type { Cluster, Redis, RedisOptions } from 'ioredis';
import { createRedisClient, type IoredisClient } from '../backends/redis/redis-client.js';
import { resolveRedisConnection } from '../backends/redis/redis-connection.js';

/**
 * The bus's subscriber connection: always a single-node ioredis client, so that its state is
 * the state of one socket. ioredis' own re-subscription is off (the bus subscribes on every
 * `ready` itself, and calls itself connected only once SUBSCRIBE is confirmed), and it
 * reconnects forever: a bus that gave up would leave the L1 bypassed for good.
 */
const SUBSCRIBER: RedisOptions = {
  autoResubscribe: false,
  enableOfflineQueue: false,
  lazyConnect: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 2_000,
  retryStrategy: (times: number) => Math.min(50 * times, 1_000),
};

/**
 * A subscriber connection next to `publisher`. On a single node, a copy of its connection
 * settings. On a Redis Cluster, a connection pinned to one master, picked at random among the
 * masters the cluster client knows now (classic PUBLISH is broadcast by the cluster to every
 * node, so any node hears every message); `undefined` while no master is known yet.
 */
export async function createSubscriber(publisher: IoredisClient): Promise<Redis | undefined> {
  if (!publisher.isCluster) return (publisher as Redis).duplicate(SUBSCRIBER);
  const cluster = publisher as Cluster;
  const masters = cluster.nodes('master');
  const node = masters[Math.floor(Math.random() * masters.length)];
  if (node === undefined) return undefined;
  const { host, port } = node.options;
  const client = await createRedisClient(
    resolveRedisConnection({
      url: `redis://${host?.includes(':') ? `[${host}]` : host}:${port}`,
      redisOptions: { ...cluster.options.redisOptions, ...SUBSCRIBER },
    }),
    () => {},
  );
  return client as Redis;
}

/**
 * Pings `subscriber` every `everyMs` while it is ready; a PING unanswered for `everyMs` means
 * the connection is dead without the OS having said so (a network cut, a frozen server): the
 * socket is closed (and reopened by ioredis), so the bus reports `disconnected` within about
 * twice `everyMs` instead of when TCP gives up. Returns a function that stops it.
 */
export function heartbeat(subscriber: Redis, everyMs: number): () => void {
  let waiting = false;
  const timer = setInterval(() => {
    if (subscriber.status !== 'ready') {
      waiting = false;
      return;
    }
    if (waiting) {
      waiting = false;
      subscriber.disconnect(true);
      return;
    }
    waiting = true;
    subscriber.ping().then(
      () => {
        waiting = false;
      },
      () => {},
    );
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
