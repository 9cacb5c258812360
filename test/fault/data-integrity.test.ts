import { describe, expect, it } from 'vitest';
import { redisUrl } from '../support/test-servers.js';
import { figure } from './support/http-harness.js';
import { runWorkload, violations } from './support/integrity.js';
import type { LoggedOp } from './support/integrity-worker.js';

const url = redisUrl();
const WORKERS = 3;
const OPS = Number(process.env.FAULT_INTEGRITY_OPS ?? 1500);

describe.skipIf(!url)('data integrity: concurrent set/get/invalidate/delete from several processes', () => {
  it(`${WORKERS} processes × ${OPS} operations match the model`, async () => {
    const log = await runWorkload(url!, WORKERS, `integrity-${Date.now()}:`, OPS);
    const found = violations(log);
    const count = (op: LoggedOp['op']): number => log.filter((o) => o.op === op).length;
    const reads = log.filter((o) => o.op === 'get');
    figure('data integrity', {
      operations: log.length,
      sets: count('set'),
      reads: reads.length,
      readHits: reads.filter((o) => o.id !== null).length,
      invalidations: count('invalidate'),
      deletes: count('delete'),
      violations: found.length,
    });
    expect(log.length).toBe(WORKERS * OPS);
    expect(log.filter((o) => (o.op === 'set' || o.op === 'invalidate') && !o.ok)).toEqual([]);
    expect(reads.filter((o) => o.id !== null).length).toBeGreaterThan(0);
    expect(found.slice(0, 5)).toEqual([]);
  }, 120_000);

  it('the model catches a stale read (checked on a made-up log)', () => {
    const stale: LoggedOp[] = [
      { op: 'set', id: 'a', key: 'k0', tags: ['t0'], start: 0, end: 10, ok: true },
      { op: 'invalidate', tags: ['t0'], start: 20, end: 30, ok: true },
      { op: 'get', key: 'k0', id: 'a', start: 40, end: 50 },
      { op: 'get', key: 'k0', id: 'a', start: 25, end: 50 },
    ];
    expect(violations(stale)).toHaveLength(1);
  });
});
