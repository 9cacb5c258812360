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

/**
 * Where a backend-created client connects, for error messages: `host:port` (several for a
 * cluster), never the credentials a `redis://user:password@host` URL carries.
 */
export function redisEndpoint(options: {
  readonly url?: string;
  readonly clusterNodes?: readonly string[];
}): string {
  if (options.clusterNodes !== undefined && options.clusterNodes.length > 0) {
    return `cluster ${options.clusterNodes.map((node) => node.replace(/^.*@/, '')).join(',')}`;
  }
  if (options.url === undefined) return '127.0.0.1:6379';
  try {
    const url = new URL(options.url);
    return `${url.hostname}:${url.port || '6379'}`;
  } catch {
    return 'an unparsable URL';
  }
}

/**
 * A connection failure named by where it happened and why: ioredis says only "Stream isn't
 * writeable..." for a command refused while disconnected; the socket's own error (`connect
 * ECONNREFUSED 127.0.0.1:6390`, `getaddrinfo ENOTFOUND redis-a.internal`) is the cause a user
 * needs. Other failures are returned as they are.
 */
export function withConnectionCause(
  error: CacheError,
  endpoint: string,
  cause: Error | undefined,
): CacheError {
  if (error.code !== 'CONNECTION') return error;
  const why =
    cause === undefined || cause.message === error.message
      ? error.message
      : `${cause.message} (${error.message})`;
  return new CacheError('CONNECTION', `redis ${endpoint}: ${why}`, {
    backend: 'redis',
    cause: error.cause ?? error,
    ...(error.key !== undefined && { key: error.key }),
  });
}
