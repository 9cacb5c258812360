import { hashString } from '@tagcache/core';
import { headerValue, type RequestInfo } from './request-info.js';
import type { StoredResponse } from './stored-response.js';

/** `Vary` field names in lower case, sorted, without duplicates; `['*']` for `Vary: *`. */
export function parseVary(header: string | undefined): string[] {
  if (header === undefined || header.trim() === '') return [];
  const names = new Set<string>();
  for (const item of header.split(',')) {
    const name = item.trim().toLowerCase();
    if (name === '*') return ['*'];
    if (name !== '') names.add(name);
  }
  return [...names].sort();
}

/** Whether two sorted name lists are equal. */
export function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

/**
 * The request's values of the `vary` headers, as a digest: two requests get the same stored
 * response only when these match (RFC 9111 §4.1). Missing and empty headers differ.
 */
export function varySignature(vary: readonly string[], request: RequestInfo): string {
  if (vary.length === 0) return '';
  const values = vary.map((name) => {
    const value = headerValue(request.headers, name);
    return value === undefined ? null : value.trim();
  });
  return hashString(JSON.stringify([vary, values]));
}

/** Whether a stored response may answer this request as far as its `Vary` goes. */
export function varyMatches(stored: StoredResponse, request: RequestInfo): boolean {
  return stored.vary.length === 0 || varySignature(stored.vary, request) === stored.varySig;
}
