/**
 * Keeps the load generator and the server under test off each other's CPUs (Linux `taskset`),
 * so that an HTTP figure is the server's: unpinned on 2 cores, autocannon, the server and the
 * kernel's loopback work share both, and a server that needs less CPU per response gains only
 * part of it in req/s (seen: 1.13× less CPU per response, 1.03× the req/s; pinned, 1.17× and
 * 1.17×). `BENCH_HTTP_PIN=0` turns it off.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** Where the parent (autocannon) and the servers run, and how to undo the parent's pinning. */
export interface CpuPinning {
  /** The CPU list the servers are pinned to (`taskset -c` syntax). */
  readonly serverCpus: string;
  /** Pins every thread of a server process (call once it listens: its threads exist then). */
  pinServer(pid: number): void;
  /** Gives the parent back the CPUs it had. */
  release(): void;
  /** One line for the table's notes. */
  readonly note: string;
}

function taskset(args: readonly string[]): string {
  return execFileSync('taskset', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

/**
 * Pins this process (every thread) to CPU 0 and returns how to pin servers to the others;
 * `undefined` (nothing pinned) with fewer than 2 CPUs, without `taskset`, or when turned off.
 */
export function pinLoadGenerator(): CpuPinning | undefined {
  if (process.env.BENCH_HTTP_PIN === '0' || process.platform !== 'linux') return undefined;
  const cpus = availableParallelism();
  if (cpus < 2) return undefined;
  let original: string;
  try {
    // `pid 123's current affinity list: 0,1`
    original =
      taskset(['-cp', String(process.pid)])
        .trim()
        .split(': ')
        .pop() ?? '';
    taskset(['-a', '-cp', '0', String(process.pid)]);
  } catch {
    return undefined;
  }
  const serverCpus = cpus === 2 ? '1' : `1-${cpus - 1}`;
  return {
    serverCpus,
    pinServer(pid) {
      taskset(['-a', '-cp', serverCpus, String(pid)]);
    },
    release() {
      try {
        if (original !== '') taskset(['-a', '-cp', original, String(process.pid)]);
      } catch {
        // the process keeps CPU 0: only later single-threaded scenarios run in it
      }
    },
    note: `autocannon (this process) pinned to CPU 0 and each server to CPU ${serverCpus} with taskset, so the figures are the servers' (BENCH_HTTP_PIN=0 turns it off).`,
  };
}
