/**
 * The "backend killed under HTTP load" scenario, for any backend whose server the test owns:
 * an app (Express or Koa) with the response cache takes autocannon load; the server is stopped
 * mid-run and restarted on the same port a moment later. Returns what happened; the test files
 * assert on it.
 */
import { type CacheBackend, CacheService } from '@tagcache/core';
import type { RunningServer } from '../../support/servers.js';
import {
  type BurstResult,
  burst,
  countUnhandledRejections,
  type Framework,
  fetchOnce,
  type LoggedResponse,
  sleep,
  startApp,
  storedHit,
} from './http-harness.js';

export interface KillScenario {
  readonly framework: Framework;
  /** Starts the backend's server (on `port` when given). */
  readonly start: (port?: number) => Promise<RunningServer>;
  readonly backend: (port: number) => CacheBackend;
  /** Load before the stop, outage length and load after the restart (seconds). */
  readonly phases?: { readonly before: number; readonly outage: number; readonly after: number };
  readonly connections?: number;
  /**
   * `'default'` runs the service with its default resilience settings (1 s timeout, 10 s
   * cool-down); otherwise short ones, so the outage is noticed and recovered from within a
   * CI-sized burst even without the connection signal.
   */
  readonly resilience?: 'default' | 'short';
}

export interface KillOutcome {
  readonly load: BurstResult;
  readonly unhandledRejections: number;
  /** Responses that started after the server was stopped and ended before it was restarted. */
  readonly duringOutage: readonly LoggedResponse[];
  /** Responses that were hits before the stop (the cache worked at all). */
  readonly hitsBefore: number;
  /** Whether a hit was served after the restart (within the bounded extra attempts). */
  readonly recovered: boolean;
  /** Requests served after the restart until the first hit (that one included). */
  readonly requestsUntilHit: number;
  /** From the restarted server accepting connections to the end of the first hit, in ms. */
  readonly recoveryMs: number;
  readonly cacheErrors: Readonly<Record<string, number>>;
}

export async function killUnderLoad(scenario: KillScenario): Promise<KillOutcome> {
  const phases = scenario.phases ?? { before: 1, outage: 1.5, after: 1.5 };
  let server = await scenario.start();
  const port = server.port;
  const cache = new CacheService({
    backend: scenario.backend(port),
    prefix: `kill-${scenario.framework}:`,
    ...(scenario.resilience !== 'default' && {
      // Short settings so the outage is noticed and recovered from within a CI-sized burst.
      resilience: { timeout: '250ms', circuitBreaker: { failureThreshold: 3, cooldown: '300ms' } },
    }),
  });
  const cacheErrors: Record<string, number> = {};
  cache.on('error', ({ error }) => {
    cacheErrors[error.code] = (cacheErrors[error.code] ?? 0) + 1;
  });
  const rejections = countUnhandledRejections();
  const app = await startApp(scenario.framework, cache, [
    {
      path: '/item/:id',
      options: { ttl: 60, tags: ['item:{params.id}'] },
      handle: ({ params }) => ({ body: { id: params.id, renderedAt: Date.now() } }),
    },
  ]);
  const paths = Array.from({ length: 8 }, (_, i) => `/item/${i}`);
  try {
    // Warm up: a cold client may need a few attempts on a loaded machine.
    for (let attempt = 0; attempt < 50; attempt++) {
      if ((await fetchOnce(app.url, paths[0]!)).headers.get('cache-status')?.includes('; hit;')) break;
      await sleep(50);
    }
    const load = burst(app.url, {
      seconds: phases.before + phases.outage + phases.after,
      connections: scenario.connections ?? 8,
      paths,
    });
    await sleep(phases.before * 1000);
    await server.stop();
    const stoppedAt = performance.now();
    await sleep(phases.outage * 1000);
    const restartingAt = performance.now();
    server = await scenario.start(port);
    const restartedAt = performance.now();
    const result = await load;

    // Bounded extra attempts, in case the burst ended before the first hit.
    let attempts = 0;
    const firstHit = (): LoggedResponse | undefined =>
      app.log.find((r) => r.startedAt > restartedAt && storedHit(r));
    while (firstHit() === undefined && attempts < 100) {
      attempts++;
      await fetchOnce(app.url, paths[attempts % paths.length]!);
      if (firstHit() === undefined) await sleep(50);
    }
    const hit = firstHit();
    const afterRestart = app.log.filter((r) => r.startedAt > restartedAt);
    return {
      load: result,
      unhandledRejections: rejections.reasons.length,
      duringOutage: app.log.filter((r) => r.startedAt > stoppedAt && r.finishedAt < restartingAt),
      hitsBefore: app.log.filter((r) => r.finishedAt < stoppedAt && storedHit(r)).length,
      recovered: hit !== undefined,
      requestsUntilHit: hit === undefined ? afterRestart.length : afterRestart.indexOf(hit) + 1,
      recoveryMs: hit === undefined ? Number.NaN : hit.finishedAt - restartedAt,
      cacheErrors,
    };
  } finally {
    rejections.stop();
    await app.close();
    await cache.close();
    await server.stop();
  }
}
