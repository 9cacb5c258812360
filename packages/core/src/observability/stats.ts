/** Counters since the service was created. */
export interface CacheStats {
  /** Reads that found a fresh value. */
  hits: number;
  /** Reads that found nothing usable. */
  misses: number;
  /** Reads served a stale value from the grace period. */
  staleHits: number;
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
    sets: 0,
    deletes: 0,
    errors: 0,
    loads: 0,
    lockWaits: 0,
    invalidations: 0,
  };
}
