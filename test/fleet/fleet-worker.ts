/**
 * One process of a test fleet: a CacheService on a shared backend, driven by its parent over
 * IPC. Run with `node --import tsx fleet-worker.ts`; env: FLEET_BACKEND (redis | redis-cluster |
 * memcached), FLEET_ADDRESS (URL, comma-separated cluster nodes or servers), FLEET_PREFIX, and
 * for a two-level service FLEET_L1 (`maxEntries`) and FLEET_BUS_URL (a Redis for the bus).
 */
import type { CacheBackend, InvalidationBus } from '../../packages/core/src/backend.js';
import { RedisBus } from '../../packages/core/src/backend.js';
import { CacheService, MemcachedBackend, RedisBackend } from '../../packages/core/src/index.js';

export type FleetRequest =
  | { id: number; op: 'getOrSet'; key: string; tags?: string[]; loadMs: number }
  | { id: number; op: 'get'; key: string }
  | { id: number; op: 'invalidate'; tags: string[] }
  | { id: number; op: 'set'; key: string; value: unknown; tags?: string[] }
  | { id: number; op: 'delete'; key: string }
  | { id: number; op: 'deletePattern'; pattern: string }
  | { id: number; op: 'stats' }
  | { id: number; op: 'health' }
  | { id: number; op: 'busEvents' }
  | { id: number; op: 'delivered' }
  | { id: number; op: 'close' };

export interface FleetReply {
  id: number;
  value?: unknown;
  loaderRan?: boolean;
  error?: string;
}

const address = process.env.FLEET_ADDRESS ?? '';
const backend: CacheBackend =
  process.env.FLEET_BACKEND === 'memcached'
    ? new MemcachedBackend({ servers: address })
    : process.env.FLEET_BACKEND === 'redis-cluster'
      ? new RedisBackend({ clusterNodes: address.split(',') })
      : new RedisBackend({ url: address });
const l1 = process.env.FLEET_L1 ? { maxEntries: Number(process.env.FLEET_L1) } : undefined;
const busUrl = process.env.FLEET_BUS_URL;
// With an L1, the bus the service would pick by itself (the backend's, or a RedisBus on
// FLEET_BUS_URL), built here to count what it delivers: tests wait for the delivery of a change
// before they read, instead of waiting for a while.
const bus: InvalidationBus | undefined =
  l1 === undefined ? undefined : busUrl ? new RedisBus({ url: busUrl }) : backend.createBus?.();
const prefix = process.env.FLEET_PREFIX ?? 'fleet:';
let delivered = 0;
// Only this fleet's messages (other test files publish on the same servers).
bus?.onMessage((message) => {
  if (message.kind === 'clear' || JSON.stringify(message).includes(prefix)) delivered++;
});
const cache = new CacheService({
  backend,
  prefix,
  defaultTtl: 60,
  ...(l1 ? { l1 } : {}),
  ...(bus ? { bus } : {}),
});
/** Bus state changes seen, in order. */
const busEvents: string[] = [];
cache.on('bus-disconnect', () => busEvents.push('disconnect'));
cache.on('bus-reconnect', () => busEvents.push('reconnect'));

const send = (reply: FleetReply | { ready: true }): void => {
  process.send?.(reply);
};

async function handle(request: FleetRequest): Promise<FleetReply> {
  switch (request.op) {
    case 'getOrSet': {
      let loaderRan = false;
      const value = await cache.getOrSet(
        request.key,
        async () => {
          loaderRan = true;
          await new Promise((resolve) => setTimeout(resolve, request.loadMs));
          return { loadedBy: process.pid };
        },
        { ttl: 60, tags: request.tags ?? [] },
      );
      return { id: request.id, value, loaderRan };
    }
    case 'get':
      return { id: request.id, value: await cache.get(request.key) };
    case 'invalidate':
      return { id: request.id, value: await cache.invalidateTags(request.tags) };
    case 'set':
      return {
        id: request.id,
        value: await cache.set(request.key, request.value, { tags: request.tags ?? [] }),
      };
    case 'delete':
      return { id: request.id, value: await cache.delete(request.key) };
    case 'deletePattern':
      return { id: request.id, value: await cache.deletePattern(request.pattern) };
    case 'stats':
      return { id: request.id, value: cache.stats() };
    case 'health':
      return { id: request.id, value: await cache.health() };
    case 'delivered':
      return { id: request.id, value: delivered };
    case 'busEvents':
      return { id: request.id, value: [...busEvents] };
    case 'close':
      await cache.close();
      setImmediate(() => process.exit(0));
      return { id: request.id };
  }
}

process.on('message', (request: FleetRequest) => {
  handle(request).then(send, (error: unknown) => send({ id: request.id, error: String(error) }));
});

// Connect before saying ready, so every worker starts the race on equal terms (and, with an
// L1, until the bus is subscribed: before that every read bypasses the L1).
while ((await cache.health()).bus === 'disconnected') await new Promise((resolve) => setTimeout(resolve, 10));
send({ ready: true });
