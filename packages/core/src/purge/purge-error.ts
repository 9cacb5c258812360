/**
 * Why a purge failed:
 * - `HTTP`: the CDN answered with an error status (`status` says which).
 * - `NETWORK`: no answer (refused, reset, DNS, timeout).
 * - `OVERFLOW`: the queue was full and the purger cannot purge everything; tags were dropped.
 * - `PURGER`: the purger threw something other than a `PurgeError` (retried like `NETWORK`).
 */
export type PurgeErrorCode = 'HTTP' | 'NETWORK' | 'OVERFLOW' | 'PURGER';

/** Details of a {@link PurgeError}. */
export interface PurgeErrorDetails {
  /** The HTTP status, for `HTTP`. */
  readonly status?: number;
  /** Whether sending again may succeed (429, 5xx, network errors). Default `false`. */
  readonly retryable?: boolean;
  /** How long the CDN asked to wait (its `Retry-After`), in milliseconds. */
  readonly retryAfterMs?: number;
  /** The underlying error (never one that carries a credential). */
  readonly cause?: unknown;
}

/**
 * A failed purge. Purgers throw it; the purge queue retries the `retryable` ones and reports
 * the rest in a `purge-error` event. Its message names the purger, the method, the URL
 * without credentials and the status: never a token or key.
 */
export class PurgeError extends Error {
  override readonly name = 'PurgeError';
  readonly code: PurgeErrorCode;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(code: PurgeErrorCode, message: string, details: PurgeErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = details.status;
    this.retryable = details.retryable === true;
    this.retryAfterMs = details.retryAfterMs;
  }
}
