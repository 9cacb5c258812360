/**
 * The load-generator side of the HTTP scenarios: forks one server process per variant
 * (http-server.ts under tsx), checks that each answers the body (and that cached ones answer
 * hits), then runs autocannon against them in interleaved rounds and returns each one's median
 * req/s. Server processes are always stopped by PID, even on error.
 *
 * Environment: `BENCH_HTTP_ROUNDS`, `BENCH_HTTP_SECONDS` (per round) override the scenario's
 * defaults; `BENCH_HTTP_VARIANTS=a,b` keeps only those servers (and the reference);
 * `BENCH_CPU_PROF=<dir>` runs every server with `--cpu-prof` into `<dir>/<variant>/`; `BENCH_HTTP_PIN=0`
 * leaves the load generator and the servers unpinned (see cpu-pinning.ts); `BENCH_HTTP_PROCESSES`
 * sets how many server processes each variant runs in (default 2).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { pinLoadGenerator } from './cpu-pinning.js';
import { BODY, ROUTE } from './http-payload.js';
import type { FromServer, ToServer } from './http-server-types.js';
import type { Measurement } from './measure.js';

/** One server variant of a scenario. */
export interface HttpVariant {
  /** Row name in the table. */
  readonly name: string;
  /** Variant id known to http-server.ts. */
  readonly server: string;
  readonly reference?: boolean;
  /** For cached variants: how a probe tells a hit (`[header, value]`), or `'calls'` (handler calls only). */
  readonly hit?: readonly [string, string] | 'calls';
}

export interface HttpRunOptions {
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly roundSeconds: number;
  readonly rounds: number;
  /** Extra environment of the server processes (e.g. `BENCH_REDIS_URL`). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface HttpRunResult {
  readonly rows: Measurement[];
  /** What the checks found (hits verified, handler calls, errors), for the table's notes. */
  readonly notes: string[];
}

const SERVER_FILE = fileURLToPath(new URL('./http-server.ts', import.meta.url));
/**
 * Servers start in `bench/`, where tsx reads `bench/tsconfig.json` (no `paths`): they load the
 * built packages, as users do, not the sources (see run.ts).
 */
const BENCH_DIR = fileURLToPath(new URL('../', import.meta.url));

/** A server process running one variant. */
export interface RunningServer {
  readonly variant: HttpVariant;
  readonly child: ChildProcess;
  readonly port: number;
}

/** Server processes of this run; killed by PID if the parent exits without stopping them. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) kill(child);
});

function kill(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/**
 * Measures every variant; rows come back in the order given. Each variant runs in
 * `BENCH_HTTP_PROCESSES` server processes (default 2), used in turn round by round: one
 * process's luck (how its JIT compiled the hot path, where its heap landed) moved a variant by
 * up to ±15% from run to run, which interleaved rounds in one process cannot average out.
 */
export async function measureHttp(
  all: readonly HttpVariant[],
  options: HttpRunOptions,
): Promise<HttpRunResult> {
  const only = process.env.BENCH_HTTP_VARIANTS?.split(',').map((v) => v.trim());
  const variants = only ? all.filter((v) => v.reference || only.includes(v.server)) : [...all];
  const rounds = Math.round(envNumber('BENCH_HTTP_ROUNDS', options.rounds));
  const roundSeconds = envNumber('BENCH_HTTP_SECONDS', options.roundSeconds);
  const perVariant = Math.max(1, Math.round(envNumber('BENCH_HTTP_PROCESSES', 2)));
  const notes: string[] = [];
  /** Per variant, its server processes. */
  const servers: RunningServer[][] = variants.map(() => []);
  const everyServer = (): RunningServer[] => servers.flat();
  const pinning = pinLoadGenerator();
  try {
    const starting = variants.flatMap((v, i) =>
      Array.from({ length: perVariant }, () =>
        startServer(v, options.env).then((server) => servers[i]!.push(server)),
      ),
    );
    for (const started of await Promise.allSettled(starting))
      if (started.status === 'rejected') throw started.reason;
    for (const server of everyServer())
      if (server.child.pid !== undefined) pinning?.pinServer(server.child.pid);
    const hitChecks = new Set<string>();
    for (const server of everyServer()) {
      const check = await probe(server);
      if (check !== undefined) hitChecks.add(check);
    }
    if (hitChecks.size > 0)
      notes.push(`Probe before measuring (every process): ${[...hitChecks].join('; ')}.`);

    for (const server of everyServer()) await load(server, options.connections, options.warmupSeconds);
    const samples = variants.map(() => [] as number[]);
    const cpu = variants.map(() => [] as number[]);
    for (let round = 0; round < rounds; round++) {
      // Rotate the order every round, so no variant always runs right after the same one.
      for (let j = 0; j < variants.length; j++) {
        const i = (j + round) % variants.length;
        const processes = servers[i]!;
        const result = await load(processes[round % processes.length]!, options.connections, roundSeconds);
        samples[i]!.push(result.rate);
        cpu[i]!.push(result.cpuPerRequest);
        if (result.problem) notes.push(`${variants[i]!.name}, round ${round + 1}: ${result.problem}`);
      }
      process.stdout.write(`  round ${round + 1}/${rounds} done\n`);
    }

    const afterward: string[] = [];
    for (const [i, variant] of variants.entries()) {
      if (variant.hit === undefined) continue;
      const calls: number[] = [];
      for (const server of servers[i]!) calls.push((await askStats(server)).calls);
      afterward.push(`${variant.name} ${calls.join(' + ')}`);
      if (calls.some((n) => n !== 1))
        notes.push(
          `WARNING: ${variant.name} ran its handler ${calls.join(' + ')} times: not every request was a hit.`,
        );
    }
    if (afterward.length > 0)
      notes.push(
        `Route handler calls after all rounds, per process (1 = the priming miss only): ${afterward.join(', ')}.`,
      );
    const cpuMedians = cpu.map((values) => median(values));
    const cpuList = variants.map((variant, i) => `${variant.name} ${Math.round(cpuMedians[i]!)}`);
    notes.push(
      `Server CPU time (user + system) per response, µs, median (steadier than req/s on a busy machine): ${cpuList.join(', ')}.`,
    );
    const referenceIndex = variants.findIndex((variant) => variant.reference === true);
    if (referenceIndex >= 0) {
      const reference = variants[referenceIndex]!.name;
      const ratios = variants
        .map((variant, i) => [variant, i] as const)
        .filter(([, i]) => i !== referenceIndex)
        .map(
          ([variant, i]) => `${variant.name} ${(cpuMedians[referenceIndex]! / cpuMedians[i]!).toFixed(3)}×`,
        );
      notes.push(
        `Responses per server CPU second × ${reference} (what req/s is when the server alone is the bottleneck): ${ratios.join(', ')}.`,
      );
    }
    notes.push(
      `autocannon in the parent process; each variant in ${perVariant} server process${perVariant === 1 ? '' : 'es'} of its own, used in turn round by round; ${options.connections} connections, ` +
        `${options.warmupSeconds} s warm-up, median of ${rounds} interleaved rounds of ${roundSeconds} s; req/s.`,
    );
    notes.push(pinning?.note ?? 'Load generator and servers not pinned to CPUs (they share every core).');
    return {
      rows: variants.map((variant, i) => ({
        name: variant.name,
        opsPerSec: median(samples[i]!),
        reference: variant.reference === true,
      })),
      notes,
    };
  } finally {
    pinning?.release();
    await Promise.all(everyServer().map((server) => stopServer(server.child)));
    for (const child of children) if (child.exitCode === null && child.signalCode === null) kill(child);
  }
}

/** A program the server's Node runs under (`valgrind` and its arguments, ending with Node's path). */
export interface Launcher {
  readonly command: string;
  readonly args: readonly string[];
}

/**
 * Forks the server of one variant (under `launcher` when given) and resolves once it listens;
 * `timeoutMs` bounds the wait (a server under valgrind starts slowly).
 */
export function startServer(
  variant: HttpVariant,
  env: Readonly<Record<string, string>> = {},
  launcher?: Launcher,
  timeoutMs = 30_000,
): Promise<RunningServer> {
  const profileDir = process.env.BENCH_CPU_PROF;
  const profile = profileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}/${variant.server}`] // main and loader threads: one file each
    : [];
  const child = fork(SERVER_FILE, [variant.server], {
    cwd: BENCH_DIR,
    ...(launcher === undefined ? {} : { execPath: launcher.command }),
    execArgv: [...(launcher?.args ?? []), '--import', 'tsx', ...profile],
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(
      () => fail(new Error(`${variant.server}: no port after ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) kill(child);
      reject(error);
    };
    child.on('message', (message: FromServer) => {
      if (message.type === 'ready' && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({ variant, child, port: message.port });
      } else if (message.type === 'failed') fail(new Error(`${variant.server} failed: ${message.message}`));
    });
    child.once('exit', (code) => fail(new Error(`${variant.server} exited with ${code} before listening`)));
  });
}

/** Asks a server to stop (killed by PID after 10 s) and waits for its exit. */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.send({ type: 'stop' } satisfies ToServer);
  else kill(child);
  const timer = setTimeout(() => kill(child), 10_000);
  await exited;
  clearTimeout(timer);
}

/** The server's route handler calls and CPU time so far. */
export function askStats(server: RunningServer): Promise<{ calls: number; cpuMicros: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${server.variant.server}: no answer to 'stats'`)),
      5_000,
    );
    const onMessage = (message: FromServer): void => {
      if (message.type !== 'stats') return;
      clearTimeout(timer);
      server.child.off('message', onMessage);
      resolve({ calls: message.calls, cpuMicros: message.cpuMicros });
    };
    server.child.on('message', onMessage);
    server.child.send({ type: 'stats' } satisfies ToServer);
  });
}

interface ProbeResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function get(port: number): Promise<ProbeResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: ROUTE, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Two requests: both must be 200 with the body; for a cached variant the second must be a hit
 * (its header, and the handler ran once in all). Throws when not, so no figure is reported
 * for a server that does not do what its row says. Returns what it verified.
 */
export async function probe(server: RunningServer): Promise<string | undefined> {
  const { variant, port } = server;
  const first = await get(port);
  const second = await get(port);
  for (const res of [first, second]) {
    if (res.status !== 200 || res.body !== BODY)
      throw new Error(`${variant.name}: probe got ${res.status} and a body of ${res.body.length} bytes`);
  }
  if (variant.hit === undefined) return undefined;
  const { calls } = await askStats(server);
  if (calls !== 1) throw new Error(`${variant.name}: handler ran ${calls} times for 2 probe requests`);
  if (variant.hit === 'calls') return `${variant.name}: 2nd request served without the handler`;
  const [header, value] = variant.hit;
  const seen = second.headers[header.toLowerCase()];
  if (seen !== value)
    throw new Error(`${variant.name}: 2nd probe has ${header}: ${String(seen)}, not ${value}`);
  return `${variant.name}: ${header}: ${value}`;
}

/** One autocannon run: 2xx responses per second, and the server's CPU time per response. */
async function load(
  server: RunningServer,
  connections: number,
  seconds: number,
): Promise<{ rate: number; cpuPerRequest: number; problem?: string }> {
  const before = await askStats(server);
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}${ROUTE}`,
    connections,
    duration: seconds,
  });
  const after = await askStats(server);
  const rate = result['2xx'] / result.duration;
  const cpuPerRequest = (after.cpuMicros - before.cpuMicros) / Math.max(1, result['2xx']);
  const problems = [
    result.errors > 0 ? `${result.errors} errors` : '',
    result.timeouts > 0 ? `${result.timeouts} timeouts` : '',
    result.non2xx > 0 ? `${result.non2xx} non-2xx` : '',
  ].filter(Boolean);
  return problems.length > 0
    ? { rate, cpuPerRequest, problem: problems.join(', ') }
    : { rate, cpuPerRequest };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
