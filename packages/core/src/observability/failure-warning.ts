import type { CacheError, CacheErrorCode } from '../errors.js';
import type { CacheBackend } from '../types/backend.js';
import type { CacheOperation } from '../types/events.js';

/** Codes that mean the backend itself is in trouble (not a value or a key the caller gave). */
const BACKEND_TROUBLE: ReadonlySet<CacheErrorCode> = new Set([
  'CONNECTION',
  'TIMEOUT',
  'CIRCUIT_OPEN',
  'BACKEND',
]);

/** At most one warning per this interval; the failures in between are counted in the next one. */
export const FAILURE_WARNING_INTERVAL_MS = 60_000;

/**
 * Says, once and then at most once a minute, that the backend is failing when no logger was
 * configured: a wrong Redis URL must not fail silently (every request a plain `MISS`). The
 * warning goes to `process.emitWarning` (stderr, or the process's `warning` listeners). With a
 * logger every failure already goes to `logger.error`, so nothing more is said; passing
 * `logger: silentLogger` silences both. Backend errors name where the backend connects (host and
 * port, never credentials) and the cause (`ECONNREFUSED`...), so the warning does too.
 * Runs only when an operation failed: nothing on the hit path.
 */
export class FailureWarning {
  readonly #cache: string;
  #next = 0;
  #suppressed = 0;

  constructor(cache: string) {
    this.#cache = cache;
  }

  /** Called for every failure the service reports. */
  report(error: CacheError, operation: CacheOperation, backend: CacheBackend): void {
    if (!BACKEND_TROUBLE.has(error.code)) return;
    const now = Date.now();
    if (now < this.#next) {
      this.#suppressed++;
      return;
    }
    this.#next = now + FAILURE_WARNING_INTERVAL_MS;
    const more = this.#suppressed > 0 ? ` (${this.#suppressed} more failures since the last warning)` : '';
    this.#suppressed = 0;
    const where = backend.describe?.() ?? backend.name;
    const message =
      `tagcache: cache '${this.#cache}' (${where}) ${operation} failed, serving without the cache: ` +
      `${error.code}: ${error.message}${more}. Logged at most once a minute; every failure is counted in ` +
      `stats().errors and emitted as an 'error' event.`;
    process.emitWarning(message, { type: 'TagcacheWarning', code: `TAGCACHE_${error.code}` });
  }
}
