import { hashString } from '@tagcache/core';
import { escapeKeyPart } from './key-template.js';
import { queryKeyPart } from './query-key.js';
import type { RequestInfo } from './request-info.js';
import { varySignature } from './vary.js';

/**
 * The default key: `https://shop.example GET /path?a=1&b=2`: the scheme and host as the
 * framework resolves them (so one origin never reads another's pages), then the method and
 * the path, then the query as sent with its parameters sorted by name (see
 * {@link queryKeyPart}), every part escaped. `HEAD` reads as `GET`.
 */
export function defaultKey(request: RequestInfo): string {
  const method = `${originKeyPart(request)} ${request.method === 'HEAD' || request.method === 'GET' ? 'GET' : escapeKeyPart(request.method)}`;
  const path = `${method} ${escapeKeyPart(request.path)}`;
  const mark = request.url.indexOf('?');
  // No query string: skip looking at one (the URL is then the path).
  if (mark === -1) return path;
  const query = queryKeyPart(request.url.slice(mark + 1));
  return query === '' ? path : `${path}?${query}`;
}

/** `https://shop.example%3A8443`: scheme and host, escaped (a missing host reads `~`). */
export function originKeyPart(request: RequestInfo): string {
  const { protocol, host } = request;
  // Requests to one origin follow one another: the last origin is escaped once.
  if (host === lastOrigin.host && protocol === lastOrigin.protocol) return lastOrigin.part;
  const part = `${escapeKeyPart(protocol)}://${host === undefined ? '~' : escapeKeyPart(host)}`;
  lastOrigin = { protocol, host, part };
  return part;
}

/** The origin {@link originKeyPart} escaped last. */
let lastOrigin: { readonly protocol: string; readonly host: string | undefined; readonly part: string } = {
  protocol: 'http',
  host: undefined,
  part: 'http://~',
};

/** The key as stored: prefixed, and hashed when longer than `maxLength` (the two kinds cannot collide). */
export function finalKey(prefix: string, key: string, maxLength: number): string {
  return key.length > maxLength ? `${prefix}h:${hashString(key)}` : `${prefix}k:${key}`;
}

/** The secondary key of a variant: the primary key plus a digest of the request's `vary` values. */
export function variantKey(primary: string, vary: readonly string[], request: RequestInfo): string {
  return `${primary}|v:${varySignature(vary, request)}`;
}
