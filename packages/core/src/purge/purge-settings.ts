import { CacheUsageError } from '../errors.js';
import { type Duration, optionalMilliseconds } from '../time/duration.js';
import type { Purger } from './purger.js';

/** How a `CacheService` sends purges to its `purgers` (one queue per purger). */
export interface PurgeOptions {
  /**
   * Purge the same tags again this long after a successful purge, to drop a page the CDN
   * fetched from the origin while the write that invalidated it was still committing (or
   * while the origin cache still held the old page). `false` turns it off. Default 5 s.
   */
  readonly repurgeAfter?: Duration | false;
  /**
   * Most tags waiting per purger. Past it the queue purges everything when the purger can
   * (`purgeAll`), else the newest tags are dropped with a `purge-error` event (`OVERFLOW`).
   * Default 10,000.
   */
  readonly maxQueue?: number;
  /** Tries per batch, the first included, before a `purge-error`. Default 5. */
  readonly maxAttempts?: number;
  /**
   * First wait before a retry when the CDN gave no `Retry-After`; doubled on each retry, with
   * jitter. Default 1 s.
   */
  readonly retryDelay?: Duration;
  /** Longest wait before a retry, `Retry-After` included. Default 60 s. */
  readonly maxRetryDelay?: Duration;
}

/** {@link PurgeOptions} resolved. */
export interface PurgeSettings {
  readonly purgers: readonly Purger[];
  /** 0 when repurging is off. */
  readonly repurgeAfterMs: number;
  readonly maxQueue: number;
  readonly maxAttempts: number;
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
}

/** Validates `purgers` and `purge`; throws a `CacheUsageError` naming the field. */
export function resolvePurgeSettings(
  purgers: readonly Purger[] | undefined,
  options: PurgeOptions | undefined,
): PurgeSettings {
  if (purgers !== undefined && !Array.isArray(purgers)) {
    throw new CacheUsageError('expected an array of purgers (e.g. [varnishPurger({ url })])', 'purgers');
  }
  (purgers ?? []).forEach(checkPurger);
  const o = options ?? {};
  return {
    purgers: purgers ?? [],
    repurgeAfterMs:
      o.repurgeAfter === false ? 0 : optionalMilliseconds(o.repurgeAfter, 'purge.repurgeAfter', 5_000),
    maxQueue: count(o.maxQueue, 10_000, 'purge.maxQueue'),
    maxAttempts: count(o.maxAttempts, 5, 'purge.maxAttempts'),
    retryDelayMs: optionalMilliseconds(o.retryDelay, 'purge.retryDelay', 1_000),
    maxRetryDelayMs: optionalMilliseconds(o.maxRetryDelay, 'purge.maxRetryDelay', 60_000),
  };
}

function checkPurger(purger: Purger, index: number): void {
  const field = `purgers[${index}]`;
  if (purger === null || typeof purger !== 'object' || typeof purger.purge !== 'function') {
    throw new CacheUsageError('expected a Purger (an object with purge(tags))', field);
  }
  if (typeof purger.name !== 'string' || purger.name === '') {
    throw new CacheUsageError('a purger needs a non-empty name', `${field}.name`);
  }
  const batch = purger.batch as Purger['batch'] | undefined;
  if (batch === undefined || !Number.isInteger(batch.maxTags) || batch.maxTags < 1) {
    throw new CacheUsageError('expected batch.maxTags, a positive integer', `${field}.batch`);
  }
}

function count(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new CacheUsageError('expected a positive integer', field);
  return value;
}
