/**
 * Stable error codes. `CacheError.code` is one of these; match on the code, not the message.
 * - `CONNECTION`: the backend cannot be reached.
 * - `TIMEOUT`: the operation exceeded the backend's timeout.
 * - `CIRCUIT_OPEN`: the circuit breaker is open; the call failed fast without touching the backend.
 * - `SERIALIZATION`: a value could not be serialized, or stored bytes could not be read back.
 * - `VALUE_TOO_LARGE`: a value is larger than the backend accepts.
 * - `INVALID_KEY`: a key (or pattern) the backend cannot store.
 * - `NOT_SUPPORTED`: the backend has no such operation (e.g. `deletePattern` on memcached).
 * - `BACKEND`: any other backend failure.
 */
export type CacheErrorCode =
  | 'CONNECTION'
  | 'TIMEOUT'
  | 'CIRCUIT_OPEN'
  | 'SERIALIZATION'
  | 'VALUE_TOO_LARGE'
  | 'INVALID_KEY'
  | 'NOT_SUPPORTED'
  | 'BACKEND';

/** Every error code, for exhaustive checks and documentation. */
export const CACHE_ERROR_CODES: readonly CacheErrorCode[] = [
  'CONNECTION',
  'TIMEOUT',
  'CIRCUIT_OPEN',
  'SERIALIZATION',
  'VALUE_TOO_LARGE',
  'INVALID_KEY',
  'NOT_SUPPORTED',
  'BACKEND',
];

/** Details attached to a {@link CacheError}. */
export interface CacheErrorDetails {
  /** The cache key involved, when there is one. */
  key?: string;
  /** The backend's name (`memory`, `redis`, ...). */
  backend?: string;
  /** The underlying error. */
  cause?: unknown;
}

/** A failure of the cache layer, carried as a value inside a `Result`. */
export class CacheError extends Error {
  override readonly name = 'CacheError';
  readonly code: CacheErrorCode;
  readonly key: string | undefined;
  readonly backend: string | undefined;

  constructor(code: CacheErrorCode, message: string, details: CacheErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.key = details.key;
    this.backend = details.backend;
  }

  /** Wraps anything thrown by a client library as a `CacheError` (keeps a `CacheError` as is). */
  static from(error: unknown, code: CacheErrorCode, details: CacheErrorDetails = {}): CacheError {
    if (error instanceof CacheError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new CacheError(code, message, { ...details, cause: error });
  }
}

/**
 * A programmer error: bad options, a bad config, a bad key. Thrown (not returned) at the call
 * that made it, naming what was wrong, because no retry can fix it.
 */
export class CacheUsageError extends TypeError {
  override readonly name = 'CacheUsageError';
  /** The option or config path that was wrong, e.g. `backends[1].url`. */
  readonly field: string | undefined;

  constructor(message: string, field?: string) {
    super(field === undefined ? message : `${field}: ${message}`);
    this.field = field;
  }
}

/**
 * A loader's error, as `getOrSetReport` rejects with it: what the loader threw is its `cause`.
 * `shared` tells whose loader it was: `false` for this caller's own, `true` for the load of
 * another caller that this one joined. Cache faults never take this form (they never reject).
 */
export class LoaderError extends Error {
  override readonly name = 'LoaderError';
  /** Whether the loader that failed was another caller's (this call had joined its load). */
  readonly shared: boolean;

  constructor(cause: unknown, shared: boolean) {
    const message = cause instanceof Error ? cause.message : String(cause);
    super(`${shared ? 'the shared load' : 'the loader'} failed: ${message}`, { cause });
    this.shared = shared;
  }
}
