import { PurgeError } from '@tagcache/core';

/** One purge request, as a purger builds it. */
export interface PurgeRequest {
  /** The purger's name, for messages. */
  readonly purger: string;
  readonly method: 'POST' | 'PURGE';
  readonly url: URL;
  /** Credentials go here only: they never reach a message. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
}

/**
 * Sends `request` with Node's fetch and returns the response body. Throws a `PurgeError`:
 * `NETWORK` (retryable) when nothing answered, `HTTP` for a non-2xx status, retryable for 429
 * and 5xx with the `Retry-After` the server sent. Messages name the method, origin and path:
 * never a header, a query string or userinfo.
 */
export async function sendPurge(request: PurgeRequest): Promise<string> {
  const where = `${request.purger}: ${request.method} ${request.url.origin}${request.url.pathname}`;
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    // The cause (undici's) is summarised, not attached: the message is all that travels.
    throw new PurgeError('NETWORK', `${where} failed: ${reason(error)}`, { retryable: true });
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new PurgeError('NETWORK', `${where}: response body lost: ${reason(error)}`, { retryable: true });
  }
  if (response.status >= 200 && response.status < 300) return text;
  const status = response.status;
  const retryable = status === 429 || status >= 500;
  const retryAfterMs = retryable ? parseRetryAfter(response.headers.get('retry-after')) : undefined;
  throw new PurgeError('HTTP', `${where} answered ${status}`, {
    status,
    retryable,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** `Retry-After` (seconds, or an HTTP date) in milliseconds from now; `undefined` when absent or invalid. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return 'timed out';
  const cause = error.cause as { code?: unknown } | undefined;
  return typeof cause?.code === 'string' ? `${error.message} (${cause.code})` : error.message;
}
