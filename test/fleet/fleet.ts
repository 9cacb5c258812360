import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FleetReply, FleetRequest } from './fleet-worker.js';

const workerPath = fileURLToPath(new URL('./fleet-worker.ts', import.meta.url));

type Request = FleetRequest extends infer R ? (R extends FleetRequest ? Omit<R, 'id'> : never) : never;

/** A worker process of the fleet. */
export interface FleetWorker {
  readonly pid: number;
  call(request: Request): Promise<FleetReply>;
}

/** Options of a two-level fleet: an L1 of `l1` entries, and a Redis for the bus (memcached). */
export interface FleetTiers {
  readonly l1?: number;
  readonly busUrl?: string;
}

/** Forks `size` worker processes sharing one backend; `stop` ends them (by PID if they linger). */
export async function startFleet(
  size: number,
  backend: 'redis' | 'redis-cluster' | 'memcached',
  address: string,
  prefix: string,
  tiers: FleetTiers = {},
): Promise<{ workers: FleetWorker[]; stop(): Promise<void> }> {
  const env: Record<string, string> = {};
  if (tiers.l1 !== undefined) env.FLEET_L1 = String(tiers.l1);
  if (tiers.busUrl !== undefined) env.FLEET_BUS_URL = tiers.busUrl;
  const children: ChildProcess[] = [];
  const workers = await Promise.all(
    Array.from({ length: size }, async () => {
      const child = fork(workerPath, [], {
        execArgv: ['--import', 'tsx'],
        env: { ...process.env, FLEET_BACKEND: backend, FLEET_ADDRESS: address, FLEET_PREFIX: prefix, ...env },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(child);
      return connect(child);
    }),
  );
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.map(async (child, i) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        await Promise.race([workers[i]!.call({ op: 'close' }), new Promise((r) => setTimeout(r, 2_000))]);
        const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), 2_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  };
  return { workers, stop };
}

function connect(child: ChildProcess): Promise<FleetWorker> {
  let next = 0;
  const pending = new Map<number, (reply: FleetReply) => void>();
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`fleet worker exited with ${code} before it was ready`)));
    child.on('message', (message: FleetReply | { ready: true }) => {
      if ('ready' in message) {
        resolve({
          pid: child.pid!,
          call: (request) =>
            new Promise((done) => {
              const id = ++next;
              pending.set(id, done);
              child.send({ ...request, id });
            }),
        });
        return;
      }
      pending.get(message.id)?.(message);
      pending.delete(message.id);
    });
  });
}
