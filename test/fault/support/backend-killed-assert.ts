import { expect } from 'vitest';
import type { KillOutcome } from './backend-killed.js';
import { figure, storedHit } from './http-harness.js';

/** What every "backend killed under load" run must show (counts, never durations). */
export function expectSurvived(label: string, outcome: KillOutcome): void {
  figure(`backend killed (${label})`, {
    requests: outcome.load.requests,
    non2xx: outcome.load.non2xx,
    errors: outcome.load.errors,
    servedDuringOutage: outcome.duringOutage.length,
    collapsedDuringOutage: outcome.duringOutage.filter((r) => r.xCache === 'HIT').length,
    requestsUntilHit: outcome.requestsUntilHit,
    recoveryMs: outcome.recoveryMs,
    p99Ms: outcome.load.p99Ms,
    cacheErrors: JSON.stringify(outcome.cacheErrors),
  });
  expect(outcome.load.requests).toBeGreaterThan(0);
  expect(outcome.load.non2xx).toBe(0);
  expect(outcome.load.errors).toBe(0);
  expect(outcome.load.timeouts).toBe(0);
  expect(outcome.unhandledRejections).toBe(0);
  expect(outcome.hitsBefore).toBeGreaterThan(0);
  // During the outage requests were served, all by the handler, none read from the cache
  // (concurrent misses may share one handler run: `X-Cache: HIT` with `Cache-Status: …; collapsed`).
  expect(outcome.duringOutage.length).toBeGreaterThan(0);
  expect(outcome.duringOutage.filter((r) => r.status !== 200)).toEqual([]);
  expect(outcome.duringOutage.filter(storedHit)).toEqual([]);
  expect(outcome.duringOutage.filter((r) => r.xCache !== 'HIT' && r.xCache !== 'MISS')).toEqual([]);
  // The outage was seen (and reported as cache errors), and hits came back after the restart.
  expect(Object.keys(outcome.cacheErrors).length).toBeGreaterThan(0);
  expect(outcome.recovered).toBe(true);
}
