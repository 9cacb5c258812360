import { startRedis } from '../../test/support/servers.js';
import { type HttpVariant, measureHttp } from './http-load.js';
import type { Measurement } from './measure.js';
import { report } from './report.js';

/** One HTTP hit-path scenario: its variants, and the notes (goals first) for its table. */
export interface HttpScenario {
  readonly scenario: string;
  readonly title: string;
  readonly variants: readonly HttpVariant[];
  readonly notes: (rows: readonly Measurement[]) => readonly string[];
}

/**
 * Starts a private redis-server for the Redis variants, measures every variant the same way
 * (50 connections, 1.5 s warm-up, median of 5 rounds of 2 s) and reports the table.
 */
export async function runHttpScenario({ scenario, title, variants, notes }: HttpScenario): Promise<void> {
  const redis = await startRedis();
  try {
    const measured = await measureHttp([...variants], {
      connections: 50,
      warmupSeconds: 1.5,
      roundSeconds: 2,
      rounds: 5,
      env: { BENCH_REDIS_URL: `redis://127.0.0.1:${redis.port}` },
    });
    report({ scenario, title, rows: measured.rows, notes: [...notes(measured.rows), ...measured.notes] });
  } finally {
    await redis.stop();
  }
}
