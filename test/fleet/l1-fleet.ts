/** Helpers of the two-level fleet tests: wait for a change to reach every L1, count L1 hits. */

import type { FleetWorker } from './fleet.js';
import type { FleetReply, FleetRequest } from './fleet-worker.js';

type ChangeRequest = Extract<FleetRequest, { op: 'set' | 'delete' | 'deletePattern' | 'invalidate' }>;
/** A change to make in one worker (a request without its id). */
type Change = ChangeRequest extends infer R ? (R extends ChangeRequest ? Omit<R, 'id'> : never) : never;

/** How many bus messages each worker has received. */
async function delivered(workers: readonly FleetWorker[]): Promise<number[]> {
  const replies = await Promise.all(workers.map((w) => w.call({ op: 'delivered' })));
  return replies.map((r) => r.value as number);
}

/**
 * Runs `change` in worker `from`, then waits until every other worker has received a
 * bus message more than before: the change has reached their L1 (the bus's bound), so a read
 * there must see it. Waits by polling the counts (up to 10 s): behaviour, not a duration.
 */
export async function changeEverywhere(
  workers: readonly FleetWorker[],
  from: number,
  change: Change,
): Promise<FleetReply> {
  const before = await delivered(workers);
  const reply = await workers[from]!.call(change);
  if (reply.error) throw new Error(reply.error);
  for (let i = 0; i < 1_000; i++) {
    const now = await delivered(workers);
    if (now.every((count, w) => w === from || count > before[w]!)) return reply;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`a change from worker ${from} never reached every other worker's bus`);
}

/** Each worker's L1 hits so far. */
export async function l1Hits(workers: readonly FleetWorker[]): Promise<number[]> {
  const replies = await Promise.all(workers.map((w) => w.call({ op: 'stats' })));
  return replies.map((r) => (r.value as { l1Hits: number }).l1Hits);
}

/** Waits (polling, up to 10 s) until every worker has seen the bus event `event` `times` times. */
export async function busEventEverywhere(
  workers: readonly FleetWorker[],
  event: 'disconnect' | 'reconnect',
  times = 1,
): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    const replies = await Promise.all(workers.map((w) => w.call({ op: 'busEvents' })));
    const seen = replies.map((r) => (r.value as string[]).filter((e) => e === event).length);
    if (seen.every((count) => count >= times)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`not every worker saw bus ${event} ×${times}`);
}

/** What every worker reads at `key`. */
export async function readEverywhere(workers: readonly FleetWorker[], key: string): Promise<unknown[]> {
  const replies = await Promise.all(workers.map((w) => w.call({ op: 'get', key })));
  return replies.map((r) => r.value);
}
