/**
 * One process of a test fleet: a CacheService on a shared backend, driven by its parent over
 * IPC. Run with `node --import tsx fleet-worker.ts`; env: FLEET_BACKEND (redis | memcached),
 * FLEET_ADDRESS (URL or servers), FLEET_PREFIX.
 */
import {
  type CacheBackend,
  CacheService,
  MemcachedBackend,
  RedisBackend,
} from '../../packages/core/src/index.js';

export type FleetRequest =
  | { id: number; op: 'getOrSet'; key: string; tags?: string[]; loadMs: number }
  | { id: number; op: 'get'; key: string }
  | { id: number; op: 'invalidate'; tags: string[] }
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
    : new RedisBackend({ url: address });
const cache = new CacheService({ backend, prefix: process.env.FLEET_PREFIX ?? 'fleet:', defaultTtl: 60 });

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
    case 'close':
      await cache.close();
      setImmediate(() => process.exit(0));
      return { id: request.id };
  }
}

process.on('message', (request: FleetRequest) => {
  handle(request).then(send, (error: unknown) => send({ id: request.id, error: String(error) }));
});

// Connect before saying ready, so every worker starts the race on equal terms.
await cache.health();
send({ ready: true });
