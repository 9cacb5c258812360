/** Counters since the service was created. */
export interface CacheStats {
  /** Reads that found a fresh value. */
  hits: number;
  /** Reads that found nothing usable. */
  misses: number;
  /** Reads served a stale value from the grace period. */
  staleHits: number;
  /** Hits (fresh or stale) answered by the in-process L1 tier (0 without one). */
  l1Hits: number;
  /** Hits (fresh or stale) answered by the backend (behind the L1, when there is one). */
  l2Hits: number;
  /** Values stored. */
  sets: number;
  /** Keys deleted (a pattern delete counts each key). */
  deletes: number;
  /** Backend or serialization failures (each also emitted as an `error` event). */
  errors: number;
  /** Loader runs (foreground and background). */
  loads: number;
  /** `getOrSet` calls that waited for another caller's load instead of running their own. */
  lockWaits: number;
  /** Tags invalidated. */
  invalidations: number;
}

/** A zeroed {@link CacheStats}. */
export function emptyStats(): CacheStats {
  return {
    hits: 0,
    misses: 0,
    staleHits: 0,
    l1Hits: 0,
    l2Hits: 0,
    sets: 0,
    deletes: 0,
    errors: 0,
    loads: 0,
    lockWaits: 0,
    invalidations: 0,
  };
}
