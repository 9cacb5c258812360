/**
 * One process of the data-integrity workload: random set / get / invalidateTags / delete on a
 * shared Redis from several lanes at once, each operation logged with its start and end on
 * the machine-wide monotonic clock (`process.hrtime`, comparable across processes). Run with
 * `node --import tsx`; env: INTEGRITY_URL, INTEGRITY_PREFIX, INTEGRITY_WORKER, INTEGRITY_OPS,
 * INTEGRITY_LANES, INTEGRITY_L1 (set: an L1 of that many entries, and the bus's messages logged).
 * Sends its log to the parent and exits.
 */
import type { BusMessage, InvalidationBus, RedisBus } from '../../../packages/core/src/backend.js';
import { CacheService, RedisBackend } from '../../../packages/core/src/index.js';

export type LoggedOp = { worker: string } & (
  | { op: 'set'; id: string; key: string; tags: string[]; start: number; end: number; ok: boolean }
  | { op: 'get'; key: string; id: string | null; start: number; end: number }
  | { op: 'invalidate'; tags: string[]; start: number; end: number; ok: boolean }
  | { op: 'delete'; key: string; start: number; end: number }
);

/**
 * What the bus did in one worker: a message handed to the bus to publish (with the sender's
 * instance id), or a message received from `sender`. The two lists do not pair up one to one:
 * a bus that owes the others a `clear` (a PUBLISH failed or timed out) skips what it is handed
 * and sends that `clear` itself.
 */
export type BusRecord =
  | { op: 'published'; worker: string; sender: string; message: BusMessage; at: number }
  | { op: 'received'; worker: string; sender: string; at: number; message?: BusMessage };

/** What a worker sends back. */
export interface WorkerLog {
  readonly ops: LoggedOp[];
  readonly bus: BusRecord[];
}

export const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4'];
export const TAGS = ['t0', 't1', 't2', 't3'];

/** Microseconds on the machine's monotonic clock. */
const now = (): number => Number(process.hrtime.bigint() / 1000n);
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

const worker = process.env.INTEGRITY_WORKER ?? '0';
const ops = Number(process.env.INTEGRITY_OPS ?? 1000);
const lanes = Number(process.env.INTEGRITY_LANES ?? 6);
const backend = new RedisBackend({ url: process.env.INTEGRITY_URL ?? '' });
const l1 = process.env.INTEGRITY_L1 ? { maxEntries: Number(process.env.INTEGRITY_L1) } : undefined;
const busLog: BusRecord[] = [];
const cache = new CacheService({
  backend,
  prefix: process.env.INTEGRITY_PREFIX ?? 'integrity:',
  resilience: { timeout: '5s' },
  ...(l1 ? { l1, bus: loggedBus(backend.createBus() as RedisBus) } : {}),
});
while ((await cache.health()).bus === 'disconnected') await new Promise((resolve) => setTimeout(resolve, 10));

/** The backend's own bus, with what it publishes and receives logged. */
function loggedBus(bus: RedisBus): InvalidationBus {
  bus.onMessage((message, sender) => busLog.push({ op: 'received', worker, sender, at: now(), message }));
  return {
    get connected() {
      return bus.connected;
    },
    publish(message) {
      busLog.push({ op: 'published', worker, sender: bus.instanceId, message, at: now() });
      bus.publish(message);
    },
    onMessage: (handler) => bus.onMessage(handler),
    onState: (handler) => bus.onState(handler),
    close: () => bus.close(),
  };
}

const log: LoggedOp[] = [];
let seq = 0;
let left = ops;

async function lane(): Promise<void> {
  while (left-- > 0) {
    const roll = Math.random();
    const start = now();
    if (roll < 0.35) {
      const key = pick(KEYS);
      const tags = [...new Set([pick(TAGS), pick(TAGS)])].slice(0, 1 + Math.floor(Math.random() * 2));
      const id = `${worker}:${++seq}`;
      const ok = await cache.set(key, { id }, { ttl: 60, tags });
      log.push({ worker, op: 'set', id, key, tags, start, end: now(), ok });
    } else if (roll < 0.75) {
      const key = pick(KEYS);
      const value = await cache.get<{ id: string }>(key);
      log.push({ worker, op: 'get', key, id: value?.id ?? null, start, end: now() });
    } else if (roll < 0.9) {
      const tags = [pick(TAGS)];
      const ok = await cache.invalidateTags(tags);
      log.push({ worker, op: 'invalidate', tags, start, end: now(), ok });
    } else {
      const key = pick(KEYS);
      await cache.delete(key);
      log.push({ worker, op: 'delete', key, start, end: now() });
    }
  }
}

await Promise.all(Array.from({ length: lanes }, lane));
await cache.close();
process.send?.({ ops: log, bus: busLog } satisfies WorkerLog, () => process.exit(0));
