import { parseCacheControl } from './cache-control.js';
import { responsePolicy } from './freshness.js';
import type { RequestInfo } from './request-info.js';
import type { CacheResponsesSettings } from './settings.js';
import { headValue, type ResponseHead } from './stored-response.js';
import { parseVary } from './vary.js';

/** Why a request is not served from the cache, as reported in `Cache-Status: …; detail=`. */
export type BypassReason = 'method' | 'authorization' | 'cookie';

/** Why a response is not stored. */
export type NotStoredReason =
  | 'status'
  | 'set-cookie'
  | 'no-store'
  | 'private'
  | 'no-cache'
  | 'vary-star'
  | 'partial'
  | 'truncated'
  | 'ttl'
  | 'too-large'
  | 'aborted'
  | 'vary-changed';

/**
 * Whether the cache may answer this request at all: `GET` and `HEAD` only, and never a
 * request with credentials unless the route opted in with a key that includes them.
 */
export function bypassReason(
  request: RequestInfo,
  settings: CacheResponsesSettings,
): BypassReason | undefined {
  if (request.method !== 'GET' && request.method !== 'HEAD') return 'method';
  if (!settings.allowAuthorization && request.headers.authorization !== undefined) return 'authorization';
  if (!settings.allowCookies && request.headers.cookie !== undefined) return 'cookie';
  return undefined;
}

/**
 * Storability of a response head (RFC 9111 §3, as a shared cache): an allowed status; no
 * `Set-Cookie`; no `no-store`, `private` or `no-cache`; no `Vary: *`; not a partial response.
 */
export function headNotStored(
  head: ResponseHead,
  settings: CacheResponsesSettings,
): NotStoredReason | undefined {
  if (!settings.statuses.has(head.status)) return 'status';
  if (head.headers['set-cookie'] !== undefined) return 'set-cookie';
  const control = parseCacheControl(headValue(head.headers, 'cache-control'));
  // `private` and `no-store` keep a response out whatever a targeted field says (stricter than
  // RFC 9213, which lets the targeted field replace Cache-Control entirely).
  if (control.has('no-store')) return 'no-store';
  if (control.has('private')) return 'private';
  const policy = responsePolicy(head.headers, settings);
  if (policy.targeted) {
    const targeted = policy.directives;
    if (targeted?.has('no-store')) return 'no-store';
    if (targeted?.has('private')) return 'private';
    if (targeted?.has('no-cache')) return 'no-cache';
  } else if (control.has('no-cache')) return 'no-cache';
  if (parseVary(headValue(head.headers, 'vary'))[0] === '*') return 'vary-star';
  if (head.headers['content-range'] !== undefined) return 'partial';
  return undefined;
}

/**
 * Whether a captured body is shorter (or longer) than the `Content-Length` its head declared:
 * an upstream that died mid-body. Such a response is incomplete and never stored (RFC 9111 §3.3).
 */
export function bodyTruncated(head: ResponseHead, body: Uint8Array): boolean {
  if (head.status === 204 || head.status === 304) return false;
  const declared = headValue(head.headers, 'content-length');
  return declared !== undefined && Number(declared) !== body.byteLength;
}
