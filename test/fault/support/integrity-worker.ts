/**
 * One process of the data-integrity workload: random set / get / invalidateTags / delete on a
 * shared Redis from several lanes at once, each operation logged with its start and end on
 * the machine-wide monotonic clock (`process.hrtime`, comparable across processes). Run with
 * `node --import tsx`; env: INTEGRITY_URL, INTEGRITY_PREFIX, INTEGRITY_WORKER, INTEGRITY_OPS,
 * INTEGRITY_LANES. Sends its log to the parent and exits.
 */
import { CacheService, RedisBackend } from '../../../packages/core/src/index.js';

export type LoggedOp =
  | { op: 'set'; id: string; key: string; tags: string[]; start: number; end: number; ok: boolean }
  | { op: 'get'; key: string; id: string | null; start: number; end: number }
  | { op: 'invalidate'; tags: string[]; start: number; end: number; ok: boolean }
  | { op: 'delete'; key: string; start: number; end: number };

export const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4'];
export const TAGS = ['t0', 't1', 't2', 't3'];

/** Microseconds on the machine's monotonic clock. */
const now = (): number => Number(process.hrtime.bigint() / 1000n);
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

const worker = process.env.INTEGRITY_WORKER ?? '0';
const ops = Number(process.env.INTEGRITY_OPS ?? 1000);
const lanes = Number(process.env.INTEGRITY_LANES ?? 6);
const cache = new CacheService({
  backend: new RedisBackend({ url: process.env.INTEGRITY_URL ?? '' }),
  prefix: process.env.INTEGRITY_PREFIX ?? 'integrity:',
  resilience: { timeout: '5s' },
});
await cache.health();

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
      log.push({ op: 'set', id, key, tags, start, end: now(), ok });
    } else if (roll < 0.75) {
      const key = pick(KEYS);
      const value = await cache.get<{ id: string }>(key);
      log.push({ op: 'get', key, id: value?.id ?? null, start, end: now() });
    } else if (roll < 0.9) {
      const tags = [pick(TAGS)];
      const ok = await cache.invalidateTags(tags);
      log.push({ op: 'invalidate', tags, start, end: now(), ok });
    } else {
      const key = pick(KEYS);
      await cache.delete(key);
      log.push({ op: 'delete', key, start, end: now() });
    }
  }
}

await Promise.all(Array.from({ length: lanes }, lane));
await cache.close();
process.send?.(log, () => process.exit(0));
