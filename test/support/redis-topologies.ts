/**
 * Redis set-ups beyond a single plain server, for the recovery, Sentinel and TLS tests: a
 * master with a replica watched by three sentinels, and a throwaway CA with a server
 * certificate for `--tls-port`. Every process is started here and stopped by PID.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ask, freePort, launch, type RunningServer, startRedis, stopper, waitUntil } from './servers.js';

/** Starts `redis-server --sentinel` watching `name` at 127.0.0.1:`masterPort` (quorum 2). */
export async function startSentinel(masterPort: number, name: string): Promise<RunningServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tagcache-sentinel-'));
  const config = [
    `port ${port}`,
    'bind 127.0.0.1',
    `dir ${dir}`,
    `sentinel monitor ${name} 127.0.0.1 ${masterPort} 2`,
    `sentinel down-after-milliseconds ${name} 1000`,
    `sentinel failover-timeout ${name} 4000`,
    `sentinel parallel-syncs ${name} 1`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'sentinel.conf'), config);
  const child = launch('redis-server', [join(dir, 'sentinel.conf'), '--sentinel']);
  const stop = stopper(child, dir);
  try {
    await waitUntil(`sentinel on ${port}`, async () => (await ask(port, 'PING\r\n')).startsWith('+PONG'));
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: child.pid!, port, stop };
}

/** A master, its replica and three sentinels. */
export interface SentinelGroup {
  readonly name: string;
  master: RunningServer;
  readonly replica: RunningServer;
  readonly sentinels: readonly RunningServer[];
  /** `host:port` of each sentinel, for `RedisBackend({ sentinels })`. */
  readonly sentinelNodes: readonly string[];
  /** The port the sentinels currently name as the master. */
  masterPort(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts a master, a replica in sync with it, and three sentinels that know both. */
export async function startSentinelGroup(name = 'tcmaster'): Promise<SentinelGroup> {
  const started: RunningServer[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(started.map((server) => server.stop()));
  };
  try {
    const master = await startRedis();
    started.push(master);
    const replica = await startRedis(undefined, ['--replicaof', '127.0.0.1', String(master.port)]);
    started.push(replica);
    await waitUntil(
      'replica in sync',
      async () => (await ask(replica.port, 'INFO replication\r\n')).includes('master_link_status:up'),
      200,
    );
    const sentinels: RunningServer[] = [];
    for (let i = 0; i < 3; i++) {
      const sentinel = await startSentinel(master.port, name);
      sentinels.push(sentinel);
      started.push(sentinel);
    }
    const masterPort = async (): Promise<number> => {
      const reply = await ask(sentinels[0]!.port, `SENTINEL get-master-addr-by-name ${name}\r\n`);
      return Number(/\r\n(\d+)\r\n$/.exec(reply)?.[1] ?? Number.NaN);
    };
    // The sentinels must know the replica (and each other) before a failover can happen.
    await waitUntil(
      'sentinels know the replica and each other',
      async () => {
        const replies = await Promise.all(
          sentinels.map((s) => ask(s.port, `SENTINEL master ${name}\r\n`, 500)),
        );
        return replies.every(
          (r) => /num-slaves\r\n\$1\r\n1\r\n/.test(r) && /num-other-sentinels\r\n\$1\r\n2\r\n/.test(r),
        );
      },
      400,
    );
    return {
      name,
      master,
      replica,
      sentinels,
      sentinelNodes: sentinels.map((s) => `127.0.0.1:${s.port}`),
      masterPort,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** A throwaway CA and a certificate for 127.0.0.1/localhost signed by it (PEM text). */
export interface TestCertificates {
  readonly ca: string;
  readonly otherCa: string;
  readonly dir: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  remove(): void;
}

/** Generates the certificates with `openssl` into a temp dir (removed by `remove`). */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'tagcache-tls-'));
  const run = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  const ca = (prefix: string): void =>
    run(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${prefix}.key`,
      '-out',
      `${prefix}.crt`,
      '-days',
      '1',
      '-subj',
      `/CN=tagcache ${prefix}`,
    );
  ca('ca');
  ca('other-ca');
  run(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=localhost',
  );
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '1',
    '-extfile',
    'san.ext',
  );
  return {
    ca: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    otherCa: readFileSync(join(dir, 'other-ca.crt'), 'utf8'),
    dir,
    caFile: join(dir, 'ca.crt'),
    certFile: join(dir, 'server.crt'),
    keyFile: join(dir, 'server.key'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Starts redis-server with a plain port (for the test's own admin commands and the readiness
 * check) and a TLS port serving `certs` (clients need not present a certificate).
 */
export async function startTlsRedis(certs: TestCertificates): Promise<RunningServer & { tlsPort: number }> {
  const tlsPort = await freePort();
  const server = await startRedis(undefined, [
    '--tls-port',
    String(tlsPort),
    '--tls-cert-file',
    certs.certFile,
    '--tls-key-file',
    certs.keyFile,
    '--tls-ca-cert-file',
    certs.caFile,
    '--tls-auth-clients',
    'no',
  ]);
  return { ...server, tlsPort };
}

/** A Redis Cluster whose masters can be stopped and restarted with their cluster config. */
export interface RestartableCluster {
  /** `host:port` of each master. */
  readonly nodes: readonly string[];
  /** Stops master `index` (its directory, and so its `nodes.conf`, stays). */
  stopNode(index: number): Promise<void>;
  /** Starts master `index` again on its port, from its directory: it rejoins with its slots. */
  restartNode(index: number): Promise<void>;
  /** Whether every master reports `cluster_state:ok`. */
  healthy(): Promise<boolean>;
  stop(): Promise<void>;
}

/** Starts a 3-master cluster (no replicas) of its own, each node in a directory it keeps. */
export async function startRestartableCluster(): Promise<RestartableCluster> {
  const dirs: string[] = [];
  const ports: number[] = [];
  const servers: (RunningServer | undefined)[] = [];
  const args = (port: number): string[] => [
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    `nodes-${port}.conf`,
    '--cluster-node-timeout',
    '5000',
  ];
  const stopAll = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s?.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
  const healthy = async (): Promise<boolean> => {
    const replies = await Promise.all(ports.map((p) => ask(p, 'CLUSTER INFO\r\n').catch(() => '')));
    return replies.every((r) => r.includes('cluster_state:ok'));
  };
  try {
    for (let i = 0; i < 3; i++) {
      const port = await freePort(10_000); // the cluster bus listens on port + 10000
      const dir = mkdtempSync(join(tmpdir(), 'tagcache-cluster-'));
      dirs.push(dir);
      ports.push(port);
      servers.push(await startRedis(port, args(port), dir));
    }
    const nodes = ports.map((p) => `127.0.0.1:${p}`);
    execFileSync('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'], {
      timeout: 30_000,
      stdio: 'ignore',
    });
    await waitUntil('cluster state ok', healthy, 200);
    return {
      nodes,
      stopNode: async (index) => {
        await servers[index]?.stop();
        servers[index] = undefined;
      },
      restartNode: async (index) => {
        servers[index] = await startRedis(ports[index], args(ports[index]!), dirs[index]);
        // The other masters must see it back (a gossip round past cluster-node-timeout): ~10 s
        // on a quiet machine, more under a loaded CI; a bound on waiting for the server, not a
        // figure under test.
        await waitUntil('cluster state ok after the restart', healthy, 800);
      },
      healthy,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
