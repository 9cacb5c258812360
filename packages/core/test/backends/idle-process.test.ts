import { fork } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { MemcachedBackend, RedisBackend } from '@tagcache/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memcachedServers, redisUrl } from '../../../../test/support/test-servers.js';

const url = redisUrl();
const servers = memcachedServers();
const childPath = new URL('./idle-process-child.ts', import.meta.url).pathname;

/**
 * Runs the child and resolves with its exit code once it ends by itself. A child still alive
 * after `limitMs` is what these tests catch (something keeps its event loop busy): it is killed
 * by PID and reported as `'still running'`. The limit only bounds the wait; nothing is timed.
 */
function runChild(
  mode: string,
  env: Record<string, string>,
  limitMs = 12_000,
): Promise<number | 'still running'> {
  const child = fork(childPath, [mode], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve) => {
    let done = false;
    child.on('message', () => {
      done = true;
      // Keep the IPC channel from holding the child: it must exit on its own now.
      child.disconnect();
    });
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      resolve('still running');
    }, limitMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(done ? (code ?? -1) : -2);
    });
  });
}

describe.skipIf(!url || !servers)(
  'network backends connect on first use, never keep an idle process alive',
  () => {
    let probe: Server;
    let probeUrl: string;
    let connections = 0;

    beforeAll(async () => {
      probe = createServer((socket) => {
        connections++;
        socket.destroy();
      });
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const address = probe.address();
      probeUrl = `redis://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    });
    afterAll(() => new Promise<void>((resolve) => probe.close(() => resolve())));

    it('backends, a service and createCaches that are never used dial nothing, and the process exits by itself', async () => {
      expect(await runChild('unused', { PROBE_URL: probeUrl, MEMCACHED_SERVERS: servers! })).toBe(0);
      expect(connections).toBe(0);
    });

    it('a process that used Redis and memcached, then closed them, exits by itself', async () => {
      expect(await runChild('used', { REDIS_URL: url!, MEMCACHED_SERVERS: servers! })).toBe(0);
    });

    it('close() before any use resolves, connects nothing, and the backend then reports CONNECTION', async () => {
      const before = connections;
      for (const backend of [
        new RedisBackend({ url: probeUrl }),
        new MemcachedBackend({ servers: probeUrl.slice(8) }),
      ]) {
        expect((await backend.close()).ok).toBe(true);
        const read = await backend.get('k');
        expect(read.ok ? 'ok' : read.error.code).toBe('CONNECTION');
      }
      expect(connections).toBe(before);
    });
  },
);
