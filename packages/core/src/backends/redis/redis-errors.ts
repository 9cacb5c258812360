import { CacheError, type CacheErrorCode } from '../../errors.js';

/** Server replies that mean "the server cannot serve right now" rather than "bad request". */
const UNAVAILABLE_REPLIES = /^(CLUSTERDOWN|LOADING|MASTERDOWN|TRYAGAIN|READONLY)\b/;

/** Client-side messages of ioredis that mean the connection is not usable. */
const CONNECTION_MESSAGES =
  /writeable|connection is closed|connection (is )?lost|max(imum)? ?retries|maxretriesperrequest|startup nodes|refresh slots|cluster isn't ready|not connected|socket closed|econn|ehostunreach|enotfound|epipe/i;

const CONNECTION_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** Classifies an ioredis failure: connection trouble, a timeout, or anything else. */
export function redisErrorCode(error: unknown): CacheErrorCode {
  if (!(error instanceof Error)) return 'BACKEND';
  if (error.name === 'ReplyError') return UNAVAILABLE_REPLIES.test(error.message) ? 'CONNECTION' : 'BACKEND';
  if (error.name === 'MaxRetriesPerRequestError' || error.name === 'ClusterAllFailedError') {
    return 'CONNECTION';
  }
  if (/command timed out/i.test(error.message)) return 'TIMEOUT';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return 'CONNECTION';
  return CONNECTION_MESSAGES.test(error.message) ? 'CONNECTION' : 'BACKEND';
}

/** Wraps an ioredis failure as a `CacheError` with the right code. */
export function toRedisError(error: unknown, key?: string): CacheError {
  return CacheError.from(error, redisErrorCode(error), {
    backend: 'redis',
    ...(key !== undefined && { key }),
  });
}
