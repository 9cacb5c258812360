import { describe, expect, it } from 'vitest';
import { redisUrl } from '../support/test-servers.js';
import { figure } from './support/http-harness.js';
import { runWorkload, runWorkloadLogs, violations } from './support/integrity.js';
import type { BusRecord, LoggedOp } from './support/integrity-worker.js';

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
      { worker: '0', op: 'set', id: 'a', key: 'k0', tags: ['t0'], start: 0, end: 10, ok: true },
      { worker: '0', op: 'invalidate', tags: ['t0'], start: 20, end: 30, ok: true },
      { worker: '0', op: 'get', key: 'k0', id: 'a', start: 40, end: 50 },
      { worker: '0', op: 'get', key: 'k0', id: 'a', start: 25, end: 50 },
    ];
    expect(violations(stale)).toHaveLength(1);
  });

  it('with an L1, the model allows a stale read elsewhere only until the bus delivered the change', () => {
    const log: LoggedOp[] = [
      { worker: '0', op: 'set', id: 'a', key: 'k0', tags: ['t0'], start: 0, end: 10, ok: true },
      { worker: '0', op: 'invalidate', tags: ['t0'], start: 20, end: 30, ok: true },
      { worker: '1', op: 'get', key: 'k0', id: 'a', start: 35, end: 36 }, // before delivery: allowed
      { worker: '1', op: 'get', key: 'k0', id: 'a', start: 45, end: 46 }, // after delivery: stale
      { worker: '0', op: 'get', key: 'k0', id: 'a', start: 35, end: 36 }, // its own process: stale
    ];
    const bus: BusRecord[] = [
      { op: 'published', worker: '0', sender: 'A', message: { kind: 'write', keys: ['p:k0'] }, at: 5 },
      {
        op: 'published',
        worker: '0',
        sender: 'A',
        message: { kind: 'tags', versions: [['p:t0', 'v']] },
        at: 25,
      },
      { op: 'received', worker: '1', sender: 'A', at: 8 },
      { op: 'received', worker: '1', sender: 'A', at: 40 },
    ];
    expect(violations(log, bus)).toEqual([
      'read of k0 returned a after tag t0 was invalidated',
      'read of k0 returned a after tag t0 was invalidated',
    ]);
    expect(violations(log.slice(0, 3), bus)).toEqual([]);
    expect(violations(log.slice(0, 3))).toHaveLength(1); // without the L1's allowance
  });

  it('a bus that skipped messages while owing a clear shifts no later change to its end (matched by content)', () => {
    const log: LoggedOp[] = [
      { worker: '0', op: 'set', id: 'a', key: 'k0', tags: ['t0'], start: 0, end: 10, ok: true },
      { worker: '0', op: 'set', id: 'b', key: 'k1', tags: ['t0'], start: 11, end: 12, ok: true },
      { worker: '0', op: 'set', id: 'b2', key: 'k1', tags: ['t0'], start: 12, end: 13, ok: true },
      { worker: '0', op: 'set', id: 'c', key: 'k0', tags: ['t0'], start: 20, end: 30, ok: true },
      { worker: '1', op: 'get', key: 'k0', id: 'a', start: 35, end: 36 }, // before 'c' arrived: allowed
      { worker: '1', op: 'get', key: 'k0', id: 'a', start: 45, end: 46 }, // after: stale
    ];
    const bus: BusRecord[] = [
      // Handed to the bus; the 2nd and 3rd were skipped (a clear was owed), one clear sent instead.
      { op: 'published', worker: '0', sender: 'A', message: { kind: 'write', keys: ['p:k0'] }, at: 5 },
      { op: 'published', worker: '0', sender: 'A', message: { kind: 'write', keys: ['p:k1'] }, at: 11 },
      { op: 'published', worker: '0', sender: 'A', message: { kind: 'write', keys: ['p:k1'] }, at: 12 },
      { op: 'published', worker: '0', sender: 'A', message: { kind: 'write', keys: ['p:k0'] }, at: 25 },
      { op: 'received', worker: '1', sender: 'A', at: 8, message: { kind: 'write', keys: ['p:k0'] } },
      { op: 'received', worker: '1', sender: 'A', at: 14, message: { kind: 'clear' } },
      { op: 'received', worker: '1', sender: 'A', at: 40, message: { kind: 'write', keys: ['p:k0'] } },
    ];
    expect(violations(log, bus)).toEqual(['read of k0 returned a after it was overwritten by c']);
  });

  it(`${WORKERS} processes × ${OPS} operations with an L1 in each match the model (bus delivery allowed)`, async () => {
    const { ops: log, bus } = await runWorkloadLogs(url!, WORKERS, `integrity-l1-${Date.now()}:`, OPS, 1_000);
    const found = violations(log, bus);
    const reads = log.filter((o) => o.op === 'get');
    figure('data integrity with L1', {
      operations: log.length,
      reads: reads.length,
      readHits: reads.filter((o) => o.id !== null).length,
      busMessages: bus.filter((b) => b.op === 'published').length,
      // Each message reaches the other workers: fewer means some were skipped or lost.
      busReceived: bus.filter((b) => b.op === 'received').length,
      // A clear is sent by a bus whose PUBLISH failed or timed out (a loaded machine).
      clearsReceived: bus.filter((b) => b.op === 'received' && b.message?.kind === 'clear').length,
      violations: found.length,
      strictViolations: violations(log).length,
    });
    expect(log.length).toBe(WORKERS * OPS);
    expect(log.filter((o) => (o.op === 'set' || o.op === 'invalidate') && !o.ok)).toEqual([]);
    expect(reads.filter((o) => o.id !== null).length).toBeGreaterThan(0);
    expect(bus.filter((b) => b.op === 'received').length).toBeGreaterThan(0);
    expect(found.slice(0, 5)).toEqual([]);
  }, 240_000);
});
