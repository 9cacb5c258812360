/**
 * Instructions per response of an HTTP bench server, counted by valgrind's callgrind: the
 * same figure however busy the machine is (req/s on a 2-core machine shared with other work
 * move by ±10% from run to run; two counts of the same server differ by well under 1%). It
 * counts the server's user-space instructions only (not the kernel's socket work, not
 * cycles): a figure for comparing how much work variants do, next to req/s, not instead of it.
 *
 * Node runs with `--single-threaded` (the compiler and the GC on the main thread, so their
 * work lands in the count the same way every run); instrumentation is switched on with
 * `callgrind_control` after a warm-up and off after the measured requests.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { askStats, type HttpVariant, probe, startServer, stopServer } from './http-load.js';
import { ROUTE } from './http-payload.js';

/** How many requests to warm up with and to count over. */
export interface CountOptions {
  readonly warmup: number;
  readonly measured: number;
}

/** Whether valgrind and callgrind_control are installed. */
export function callgrindAvailable(): boolean {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    execFileSync('callgrind_control', ['-h'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function requests(port: number, amount: number): Promise<number> {
  const result = await autocannon({ url: `http://127.0.0.1:${port}${ROUTE}`, connections: 10, amount });
  if (result.errors > 0 || result.non2xx > 0 || result['2xx'] !== amount)
    throw new Error(
      `${amount} requests gave ${result['2xx']} 2xx, ${result.non2xx} other, ${result.errors} errors`,
    );
  return amount;
}

/** The total of every callgrind output file with this prefix (one per dump). */
function totalInstructions(dir: string): number {
  let total = 0;
  for (const file of readdirSync(dir)) {
    const match = /^totals: (\d+)/m.exec(readFileSync(join(dir, file), 'utf8'));
    if (match) total += Number(match[1]);
  }
  return total;
}

/**
 * Starts the variant's server under callgrind, checks it (a cached variant must answer hits),
 * warms it up, and counts the instructions of `measured` requests.
 */
export async function instructionsPerResponse(
  variant: HttpVariant,
  options: CountOptions,
  env: Readonly<Record<string, string>> = {},
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tagcache-callgrind-'));
  const launcher = {
    command: 'valgrind',
    args: [
      '-q',
      '--tool=callgrind',
      '--instr-atstart=no',
      `--callgrind-out-file=${join(dir, 'callgrind.out')}`,
      process.execPath,
      '--single-threaded',
    ],
  };
  const server = await startServer(variant, env, launcher, 300_000);
  const pid = String(server.child.pid);
  try {
    await probe(server);
    await requests(server.port, options.warmup);
    execFileSync('callgrind_control', ['-i', 'on', pid], { stdio: 'ignore' });
    const measured = await requests(server.port, options.measured);
    execFileSync('callgrind_control', ['-i', 'off', pid], { stdio: 'ignore' });
    if (variant.hit !== undefined) {
      const { calls } = await askStats(server);
      if (calls !== 1)
        throw new Error(`${variant.name}: the handler ran ${calls} times: not every request was a hit`);
    }
    await stopServer(server.child);
    return totalInstructions(dir) / measured;
  } finally {
    await stopServer(server.child);
    rmSync(dir, { recursive: true, force: true });
  }
}
