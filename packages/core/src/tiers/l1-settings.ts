import { CacheUsageError } from '../errors.js';
import { type Duration, toMilliseconds } from '../time/duration.js';

/** Options of the in-process L1 tier (`CacheServiceOptions.l1`). */
export interface L1Options {
  /** Most entries the L1 keeps; the least recently used go first. Default 10,000. */
  readonly maxEntries?: number;
  /** Most bytes the L1 keeps (serialized values plus keys). Default 64 MiB. */
  readonly maxBytes?: number;
  /**
   * Longest an entry stays in the L1, whatever its own TTL (it is read from the shared backend
   * again after that). Default: the entry's own TTL and grace.
   */
  readonly ttl?: Duration;
}

/** {@link L1Options} resolved. */
export interface L1Settings {
  readonly maxEntries: number;
  readonly maxBytes: number;
  /** `undefined`: entries live as long as their own TTL and grace. */
  readonly ttlMs: number | undefined;
}

/** Validates `l1` options (throws {@link CacheUsageError} naming the field). */
export function resolveL1Settings(options: L1Options): L1Settings {
  if (options === null || typeof options !== 'object') {
    throw new CacheUsageError('expected an object ({ maxEntries, maxBytes, ttl })', 'l1');
  }
  return {
    maxEntries: positiveInteger(options.maxEntries ?? 10_000, 'l1.maxEntries'),
    maxBytes: positiveInteger(options.maxBytes ?? 64 * 1024 * 1024, 'l1.maxBytes'),
    ttlMs: options.ttl === undefined ? undefined : toMilliseconds(options.ttl, 'l1.ttl'),
  };
}

function positiveInteger(value: number, field: string): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new CacheUsageError(`expected a positive integer, got ${String(value)}`, field);
  }
  return value;
}
