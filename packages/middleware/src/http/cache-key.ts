import { hashString } from '@tagcache/core';
import { escapeKeyPart } from './key-template.js';
import type { RequestInfo } from './request-info.js';
import { varySignature } from './vary.js';

/**
 * The default key: `https://shop.example GET /path?a=1&b=2`: the scheme and host as the
 * framework resolves them (so one origin never reads another's pages), then the method and
 * the path, then the query's parameters sorted by name (values keep their order), every part
 * escaped. `HEAD` reads as `GET`.
 */
export function defaultKey(request: RequestInfo): string {
  const method = `${originKeyPart(request)} ${request.method === 'HEAD' ? 'GET' : escapeKeyPart(request.method)}`;
  // No query string: skip parsing one (the URL is then the path).
  if (!request.url.includes('?')) return `${method} ${escapeKeyPart(request.path)}`;
  const pairs: [string, string][] = [];
  for (const [name, value] of request.query) pairs.push([escapeKeyPart(name), escapeKeyPart(value)]);
  if (pairs.length === 0) return `${method} ${escapeKeyPart(request.path)}`;
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return `${method} ${escapeKeyPart(request.path)}?${pairs.map(([n, v]) => `${n}=${v}`).join('&')}`;
}

/** `https://shop.example%3A8443`: scheme and host, escaped (a missing host reads `~`). */
export function originKeyPart(request: RequestInfo): string {
  const host = request.host === undefined ? '~' : escapeKeyPart(request.host);
  return `${escapeKeyPart(request.protocol)}://${host}`;
}

/** The key as stored: prefixed, and hashed when longer than `maxLength` (the two kinds cannot collide). */
export function finalKey(prefix: string, key: string, maxLength: number): string {
  return key.length > maxLength ? `${prefix}h:${hashString(key)}` : `${prefix}k:${key}`;
}

/** The secondary key of a variant: the primary key plus a digest of the request's `vary` values. */
export function variantKey(primary: string, vary: readonly string[], request: RequestInfo): string {
  return `${primary}|v:${varySignature(vary, request)}`;
}
