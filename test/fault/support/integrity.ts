/**
 * The data-integrity workload (`integrity-worker.ts` in several processes) and the model its
 * log is checked against.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BusMessage } from '../../../packages/core/src/backend.js';
import type { BusRecord, LoggedOp, WorkerLog } from './integrity-worker.js';

const workerPath = fileURLToPath(new URL('./integrity-worker.ts', import.meta.url));
type SetOp = Extract<LoggedOp, { op: 'set' }>;

/** Runs the workload in `workers` processes and returns every process's log. */
export async function runWorkload(
  url: string,
  workers: number,
  prefix: string,
  ops: number,
): Promise<LoggedOp[]> {
  return (await runWorkloadLogs(url, workers, prefix, ops)).ops;
}

/**
 * Runs the workload in `workers` processes, with an L1 of `l1` entries in each when given, and
 * returns every process's operations and bus records.
 */
export async function runWorkloadLogs(
  url: string,
  workers: number,
  prefix: string,
  ops: number,
  l1?: number,
): Promise<WorkerLog> {
  const logs = await Promise.all(
    Array.from(
      { length: workers },
      (_, w) =>
        new Promise<WorkerLog>((resolve, reject) => {
          const child = fork(workerPath, [], {
            execArgv: ['--import', 'tsx'],
            env: {
              ...process.env,
              INTEGRITY_URL: url,
              INTEGRITY_PREFIX: prefix,
              INTEGRITY_WORKER: String(w),
              INTEGRITY_OPS: String(ops),
              ...(l1 === undefined ? {} : { INTEGRITY_L1: String(l1) }),
            },
            stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          });
          child.once('message', (log: WorkerLog) => resolve(log));
          child.once('error', reject);
          child.once(
            'exit',
            (code) => code !== 0 && reject(new Error(`integrity worker exited with ${code}`)),
          );
        }),
    ),
  );
  return { ops: logs.flatMap((l) => l.ops), bus: logs.flatMap((l) => l.bus) };
}

/**
 * The model: a read returns a value `v` written by set `S`. It is a violation when, before the
 * read started, something that must hide `S` had completed after `S` completed: an
 * invalidation of one of `S`'s tags, a delete of its key, or another set of its key. Operations
 * that overlap are allowed either outcome.
 *
 * With an L1 (`bus` given), the promise is weaker by exactly the bus delivery time: a change
 * made in another process must hide `S` from the moment its message reached the reader's
 * process (see {@link visibleAt}), not from the moment the change completed.
 */
export function violations(log: readonly LoggedOp[], bus?: readonly BusRecord[]): string[] {
  const visible = bus === undefined ? undefined : visibleAt(bus);
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
      const hidesFrom = visible === undefined ? hider.end : visible(hider, read.worker);
      if (!(set.end < hider.start && hidesFrom < read.start)) continue;
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

/**
 * When a change became visible to `reader`: its end in its own process; elsewhere, when the
 * reader's process received the first message from the change's process, sent no earlier than
 * the change's own message (the last one its process handed to the bus during it that names its
 * key or tag), that names the key or tag or covers everything (`clear`, `pattern`); its end when
 * no such message was received. Matched by content and time, not by position: a bus that owes
 * a `clear` skips the messages it is handed and sends the `clear` instead.
 */
export function visibleAt(bus: readonly BusRecord[]): (change: LoggedOp, reader: string) => number {
  const published = new Map<string, Extract<BusRecord, { op: 'published' }>[]>(); // by sender
  const received = new Map<string, Extract<BusRecord, { op: 'received' }>[]>(); // by reader and sender, in order
  for (const record of bus) {
    if (record.op === 'published') {
      const list = published.get(record.sender) ?? [];
      list.push(record);
      published.set(record.sender, list);
    } else {
      const id = `${record.worker} ${record.sender}`;
      const list = received.get(id) ?? [];
      list.push(record);
      received.set(id, list);
    }
  }
  const senderOf = new Map([...published.values()].map((list) => [list[0]!.worker, list[0]!.sender]));
  return (change, reader) => {
    const sender = senderOf.get(change.worker);
    if (change.worker === reader || sender === undefined) return change.end;
    const names = change.op === 'invalidate' ? change.tags : [change.key];
    let sentAt: number | undefined;
    for (const p of published.get(sender)!) {
      if (p.at >= change.start && p.at <= change.end && names.some((n) => mentions(p.message, n)))
        sentAt = p.at;
    }
    if (sentAt === undefined) return change.end;
    const arrival = received
      .get(`${reader} ${sender}`)
      ?.find(
        (r) => r.at >= sentAt && (r.message === undefined || names.some((n) => mentions(r.message!, n))),
      );
    return arrival === undefined ? change.end : Math.max(change.end, arrival.at);
  };
}

/** Whether a bus message concerns key or tag `name` (full keys end with the name). */
function mentions(message: BusMessage, name: string): boolean {
  switch (message.kind) {
    case 'tags':
      return message.versions.some(([tagKey]) => tagKey.endsWith(name));
    case 'delete':
    case 'write':
      return message.keys.some((key) => key.endsWith(name));
    case 'pattern':
      return true;
    case 'clear':
      return true;
  }
}
