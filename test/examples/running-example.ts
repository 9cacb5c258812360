import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** An example started as a user starts it: `npm run <script> -w examples`, in its own process group. */
export interface RunningExample {
  /** The URL the example printed (`... listening on http://localhost:<port>`). */
  readonly url: string;
  /** Everything it printed so far. */
  output(): string;
  /** SIGTERM to its process group (npm, tsx and node), SIGKILL if it has not exited in 10 s. */
  stop(): Promise<void>;
}

/**
 * Runs `npm run <script> -w examples` from the repository root on `PORT=0` (the example prints
 * the port it got) and resolves once it prints its URL. `env` replaces the cache and database
 * settings of this process: no REDIS_URL or MEMCACHED_SERVERS unless given.
 */
export function startExample(script: string, env: Record<string, string>): Promise<RunningExample> {
  const { REDIS_URL, MEMCACHED_SERVERS, DATABASE_URL, ...inherited } = process.env;
  const child = spawn('npm', ['run', script, '-w', 'examples'], {
    cwd: root,
    env: { ...inherited, PORT: '0', NO_COLOR: '1', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const pid = child.pid;
    signalGroup(pid, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve({ url: match[1]!, output: () => output, stop });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    void exited.then(() => reject(new Error(`npm run ${script} exited before listening:\n${output}`)));
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
