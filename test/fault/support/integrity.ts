/**
 * The data-integrity workload (`integrity-worker.ts` in several processes) and the model its
 * log is checked against.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoggedOp } from './integrity-worker.js';

const workerPath = fileURLToPath(new URL('./integrity-worker.ts', import.meta.url));
type SetOp = Extract<LoggedOp, { op: 'set' }>;

/** Runs the workload in `workers` processes and returns every process's log. */
export async function runWorkload(
  url: string,
  workers: number,
  prefix: string,
  ops: number,
): Promise<LoggedOp[]> {
  const logs = await Promise.all(
    Array.from(
      { length: workers },
      (_, w) =>
        new Promise<LoggedOp[]>((resolve, reject) => {
          const child = fork(workerPath, [], {
            execArgv: ['--import', 'tsx'],
            env: {
              ...process.env,
              INTEGRITY_URL: url,
              INTEGRITY_PREFIX: prefix,
              INTEGRITY_WORKER: String(w),
              INTEGRITY_OPS: String(ops),
            },
            stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          });
          child.once('message', (log: LoggedOp[]) => resolve(log));
          child.once('error', reject);
          child.once(
            'exit',
            (code) => code !== 0 && reject(new Error(`integrity worker exited with ${code}`)),
          );
        }),
    ),
  );
  return logs.flat();
}

/**
 * The model: a read returns a value `v` written by set `S`. It is a violation when, before the
 * read started, something that must hide `S` had completed after `S` completed: an
 * invalidation of one of `S`'s tags, a delete of its key, or another set of its key. Operations
 * that overlap are allowed either outcome.
 */
export function violations(log: readonly LoggedOp[]): string[] {
  const sets = new Map<string, SetOp>();
  for (const op of log) if (op.op === 'set') sets.set(op.id, op);
  const hiders = log.filter((op) => op.op !== 'get');
  const found: string[] = [];
  for (const read of log) {
    if (read.op !== 'get' || read.id === null) continue;
    const set = sets.get(read.id);
    if (set === undefined || set.key !== read.key) {
      found.push(`read of ${read.key} returned ${read.id}, never written there`);
      continue;
    }
    if (set.start > read.end) found.push(`read of ${read.key} returned ${read.id} before it was written`);
    for (const hider of hiders) {
      if (!(set.end < hider.start && hider.end < read.start)) continue;
      if (hider.op === 'invalidate' && hider.ok && hider.tags.some((t) => set.tags.includes(t)))
        found.push(`read of ${read.key} returned ${read.id} after tag ${hider.tags} was invalidated`);
      if (hider.op === 'delete' && hider.key === set.key)
        found.push(`read of ${read.key} returned ${read.id} after a delete`);
      if (hider.op === 'set' && hider.key === set.key && hider.ok)
        found.push(`read of ${read.key} returned ${read.id} after it was overwritten by ${hider.id}`);
    }
  }
  return found;
}
