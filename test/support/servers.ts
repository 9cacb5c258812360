/**
 * Starts real servers for the tests (redis-server, a 3-master Redis Cluster, memcached) on free
 * loopback ports, and stops them by PID. Nothing here ever touches a server it did not start.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A server process this test run started. */
export interface RunningServer {
  readonly pid: number;
  readonly port: number;
  /** Stops the process (SIGTERM, then SIGKILL) and removes its temp dir. */
  stop(): Promise<void>;
}

/** Whether an executable is on the PATH. */
export function hasBinary(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** A TCP port that is free on 127.0.0.1 now (and, with `alsoFree`, port + alsoFree too). */
export async function freePort(alsoFree?: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = alsoFree === undefined ? await osPort() : 20_000 + Math.floor(Math.random() * 25_000);
    if (alsoFree === undefined) return port;
    if ((await isFree(port)) && (await isFree(port + alsoFree))) return port;
  }
  throw new Error('no free port found');
}

function osPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Sends `request` and resolves with the first reply chunk (or rejects). */
export function ask(port: number, request: string, timeoutMs = 500): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('timeout'));
    }, timeoutMs);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('data', (data) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(data.toString());
    });
    socket.connect(port, '127.0.0.1', () => socket.write(request));
  });
}

/** Polls `check` every 50 ms until it holds (`attempts` times at most). */
export async function waitUntil(what: string, check: () => Promise<boolean>, attempts = 100): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not come up`);
}

/** Servers still running; killed (by PID) if this process exits without stopping them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
});

/** Spawns a server process, killed (by PID) if this process exits first. */
export function launch(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: false });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.once('exit', (code) => {
    if (code !== 0 && code !== null && stderr) process.stderr.write(`${command} exited ${code}: ${stderr}\n`);
  });
  return child;
}

/** A `stop` for a launched process: SIGTERM, then SIGKILL; removes `dir`. */
export function stopper(child: ChildProcess, dir: string | undefined): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    }
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  };
}

/**
 * Starts `redis-server` without persistence on `port` (a free one by default), with
 * `extraArgs` (e.g. cluster mode), in a temporary directory removed on `stop`; or in `dir`,
 * kept on `stop` (a cluster node restarted with its `nodes.conf`).
 */
export async function startRedis(
  port?: number,
  extraArgs: string[] = [],
  dir?: string,
): Promise<RunningServer> {
  const chosen = port ?? (await freePort());
  const workDir = dir ?? mkdtempSync(join(tmpdir(), 'tagcache-redis-'));
  const args = ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = launch('redis-server', [...args, '--dir', workDir, ...extraArgs]);
  const stop = stopper(child, dir === undefined ? workDir : undefined);
  try {
    await waitUntil(`redis-server on ${chosen}`, async () =>
      (await ask(chosen, 'PING\r\n')).startsWith('+PONG'),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: child.pid!, port: chosen, stop };
}

/** Starts a Redis Cluster of `masters` nodes (no replicas); `stop` stops every node. */
export async function startRedisCluster(masters = 3): Promise<{ nodes: string[]; stop(): Promise<void> }> {
  const servers: RunningServer[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.stop()));
  };
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freePort(10_000); // the cluster bus listens on port + 10000
      const clusterArgs = ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`];
      servers.push(await startRedis(port, [...clusterArgs, '--cluster-node-timeout', '5000']));
    }
    const nodes = servers.map((s) => `127.0.0.1:${s.port}`);
    await new Promise<void>((resolve, reject) =>
      execFile(
        'redis-cli',
        ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'],
        { timeout: 30_000 },
        (error, _stdout, stderr) =>
          error ? reject(new Error(`cluster create failed: ${stderr}`)) : resolve(),
      ),
    );
    for (const server of servers) {
      await waitUntil(
        `cluster state on ${server.port}`,
        async () => (await ask(server.port, 'CLUSTER INFO\r\n')).includes('cluster_state:ok'),
        200,
      );
    }
    return { nodes, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Starts `memcached` on `port` (a free one by default), TCP only. */
export async function startMemcached(port?: number, extraArgs: string[] = []): Promise<RunningServer> {
  const chosen = port ?? (await freePort());
  const asRoot = process.getuid?.() === 0 ? ['-u', 'root'] : [];
  const child = launch('memcached', [
    '-l',
    '127.0.0.1',
    '-p',
    String(chosen),
    '-U',
    '0',
    ...asRoot,
    ...extraArgs,
  ]);
  const stop = stopper(child, undefined);
  try {
    await waitUntil(`memcached on ${chosen}`, async () =>
      (await ask(chosen, 'version\r\n')).startsWith('VERSION'),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: child.pid!, port: chosen, stop };
}

/** The `varnishd` to run: the one on the PATH, else Debian's `/usr/sbin/varnishd` (sbin is not on every PATH). */
export function varnishdPath(): string | undefined {
  if (hasBinary('varnishd')) return 'varnishd';
  return existsSync('/usr/sbin/varnishd') ? '/usr/sbin/varnishd' : undefined;
}

/**
 * Starts `varnishd` (with vmod_xkey: Debian's varnish and varnish-modules) in the foreground on
 * a free loopback port, with a private working directory (`-n`), running `vclPath` with its
 * backend port replaced by `backendPort`. Stopped by PID; its directory is removed.
 */
export async function startVarnish(vclPath: string, backendPort: number): Promise<RunningServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tagcache-varnish-'));
  chmodSync(dir, 0o755); // varnishd's unprivileged workers read the VCL and the working dir
  const vcl = readFileSync(vclPath, 'utf8').replace(/\.port = "\d+";/, `.port = "${backendPort}";`);
  writeFileSync(join(dir, 'default.vcl'), vcl, { mode: 0o644 });
  const child = launch(varnishdPath() ?? 'varnishd', [
    '-F',
    '-n',
    join(dir, 'work'),
    '-a',
    `127.0.0.1:${port}`,
    '-f',
    join(dir, 'default.vcl'),
    '-T',
    'none',
    '-s',
    'malloc,32m',
  ]);
  const stop = stopper(child, dir);
  try {
    await waitUntil(
      `varnishd on ${port}`,
      async () => (await ask(port, 'PURGE / HTTP/1.1\r\nHost: varnish\r\n\r\n')).startsWith('HTTP/1.1 400'),
      200,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: child.pid!, port, stop };
}
