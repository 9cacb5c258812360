import { type ChildProcess, fork } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';

const workerPath = fileURLToPath(new URL('./http-fleet-worker.ts', import.meta.url));

export interface HttpFleet {
  readonly ports: readonly number[];
  /** Handler runs counted by each process. */
  runs(): Promise<number[]>;
  stop(): Promise<void>;
}

/** Forks `size` app processes (see `http-fleet-worker.ts`); `stop` ends them (SIGKILL by PID if they linger). */
export async function startHttpFleet(size: number, env: Record<string, string>): Promise<HttpFleet> {
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.send({ op: 'close' });
        const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), 3_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  };
  try {
    const ports = await Promise.all(
      Array.from({ length: size }, () => {
        const child = fork(workerPath, [], {
          execArgv: ['--import', 'tsx'],
          env: { ...process.env, ...env },
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        children.push(child);
        return new Promise<number>((resolve, reject) => {
          child.once('error', reject);
          child.once('exit', (code) =>
            reject(new Error(`fleet app exited with ${code} before it was ready`)),
          );
          child.once('message', (message: { ready: true; port: number }) => resolve(message.port));
        });
      }),
    );
    const runs = (): Promise<number[]> =>
      Promise.all(
        children.map(
          (child) =>
            new Promise<number>((resolve) => {
              child.once('message', (message: { runs: number }) => resolve(message.runs));
              child.send({ op: 'runs' });
            }),
        ),
      );
    return { ports, runs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The Host every request of {@link get} carries. */
export const FLEET_HOST = 'fleet.test';

/** A GET on its own connection, as the load balancer in front of the fleet sends it: status and body. */
export function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // One Host for every instance, as a load balancer sends: the cache key names the host
    // and its port, so instances reached on their own ports would not share entries.
    const headers = { host: FLEET_HOST };
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
