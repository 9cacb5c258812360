import type { CacheError } from '../errors.js';
import type { PurgeFailure, PurgeReport } from '../purge/purge-queue.js';

/** Which service operation an error or event came from. */
export type CacheOperation =
  | 'get'
  | 'set'
  | 'delete'
  | 'deletePattern'
  | 'has'
  | 'getOrSet'
  | 'invalidateTags'
  | 'lock'
  | 'health'
  | 'close';

/** Events emitted by a `CacheService`, by name, with their payloads. */
export interface CacheEvents {
  /** A read found a value; `stale` when it was served from the grace period. */
  hit: { key: string; stale: boolean };
  /** A read found nothing usable. */
  miss: { key: string };
  /** A value was stored. */
  set: { key: string; tags: readonly string[] };
  /** A key was deleted (or several, by pattern). */
  delete: { key: string };
  /** Tags were invalidated. */
  invalidate: { tags: readonly string[] };
  /** A loader ran for a miss (or a background refresh). */
  load: { key: string; background: boolean };
  /** The cache layer failed; the caller got a miss or `false` instead of an exception. */
  error: { error: CacheError; operation: CacheOperation; key?: string };
  /** A purger purged a batch of tags (or everything) at the CDN. */
  purge: PurgeReport;
  /** A purge was given up (retries spent, not retryable, or dropped by a full queue). */
  'purge-error': PurgeFailure;
}

/** A listener for event `E`. */
export type CacheEventListener<E extends keyof CacheEvents> = (payload: CacheEvents[E]) => void;
