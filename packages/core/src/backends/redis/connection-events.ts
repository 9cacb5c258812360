import type { Cluster, Redis } from 'ioredis';
import type { ConnectionSignal } from '../connection-signal.js';
import type { IoredisClient } from './redis-client.js';

/**
 * Feeds a backend's connection signal from its ioredis client: `ready` is connected (again), a
 * closed connection is disconnected until ioredis' background reconnection makes it ready. A
 * Cluster stays `ready` while one master restarts; that master's own connection becoming ready
 * again is the signal then (see `clusterNodeRetryStrategy` in redis-client.ts).
 */
export function followConnection(
  client: IoredisClient,
  signal: ConnectionSignal,
  events: { readonly ready: () => void },
): void {
  if (client.status === 'ready') signal.set('connected');
  else if (client.status === 'reconnecting' || client.status === 'close') signal.set('disconnected');
  client.on('ready', () => {
    events.ready();
    signal.reconnected();
  });
  client.on('close', () => signal.set('disconnected'));
  if (!client.isCluster) return;
  const cluster = client as Cluster;
  const followNode = (node: Redis): void => {
    node.on('ready', () => {
      if (cluster.status === 'ready') signal.reconnected();
    });
  };
  for (const node of cluster.nodes('all')) followNode(node);
  cluster.on('+node', followNode);
}

/**
 * A client the backend owns must never stay ended while the backend is open: ioredis ends a
 * client for good when a reconnection attempt is interrupted (a Sentinel failover can do that)
 * or when its retry strategy gives up. It is told to connect again after a short delay, unless
 * the backend is closing.
 */
export function reviveWhenEnded(client: IoredisClient, closing: () => boolean): void {
  client.on('end', () => {
    if (closing()) return;
    const timer = setTimeout(() => {
      if (!closing() && client.status === 'end') client.connect().catch(() => {});
    }, 250);
    timer.unref?.();
  });
}
