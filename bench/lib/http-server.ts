/**
 * One HTTP bench server, run in its own process (forked by http-load.ts with tsx):
 * `http-server.ts <variant>`. Listens on a free loopback port and reports it over IPC; answers
 * `stats` (route handler calls, CPU time) and `stop`; exits when the parent goes away.
 */
import type { AddressInfo } from 'node:net';
import type { BenchApp, FromServer, ToServer } from './http-server-types.js';

/** Only the variant's framework is loaded, so no server carries another's modules. */
async function factoryOf(
  variant: string,
): Promise<((env: { redisUrl?: string }) => Promise<BenchApp>) | undefined> {
  if (variant.startsWith('koa-')) return (await import('./http-koa-apps.js')).koaApps[variant];
  return (await import('./http-express-apps.js')).expressApps[variant];
}

function tell(message: FromServer): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const variant = process.argv[2] ?? '';
  const factory = await factoryOf(variant);
  if (factory === undefined) throw new Error(`unknown HTTP bench variant '${variant}'`);
  const app: BenchApp = await factory({ redisUrl: process.env.BENCH_REDIS_URL });
  const { server } = app;
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    server.closeAllConnections();
    server.close();
    await app.close().catch(() => {});
    // A normal exit, so that --cpu-prof writes its profile.
    process.exit(0);
  };
  process.on('message', (message: ToServer) => {
    if (message.type === 'stats') {
      const cpu = process.cpuUsage();
      tell({ type: 'stats', calls: app.counter.calls, cpuMicros: cpu.user + cpu.system });
    } else if (message.type === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
  process.on('SIGTERM', () => void stop());
  tell({ type: 'ready', port: (server.address() as AddressInfo).port });
}

main().catch((error: unknown) => {
  tell({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
