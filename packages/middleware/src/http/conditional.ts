import type { IncomingHttpHeaders } from 'node:http';
import type { HeaderList, StoredResponse } from './stored-response.js';
import { storedHeader } from './stored-response.js';

/** Request headers that make a request conditional; hidden from the handler on a miss. */
export const CONDITIONAL_HEADERS = ['if-none-match', 'if-modified-since'] as const;

/** Headers a 304 keeps (RFC 9110 §15.4.5), plus CORS ones so browsers accept it. */
const KEPT_ON_304 = new Set(['cache-control', 'content-location', 'date', 'etag', 'expires', 'vary']);

/**
 * Whether a hit answers `304 Not Modified` (RFC 9110 §13.2.2): `If-None-Match` (weak
 * comparison, `*` matches) decides when present; otherwise `If-Modified-Since` against
 * `Last-Modified` (or the time it was stored).
 */
export function isNotModified(headers: IncomingHttpHeaders, stored: StoredResponse): boolean {
  const noneMatch = headers['if-none-match'];
  if (noneMatch !== undefined) return etagListMatches(noneMatch, stored.etag);
  const since = headers['if-modified-since'];
  if (since === undefined) return false;
  const sinceMs = Date.parse(since);
  if (Number.isNaN(sinceMs)) return false;
  const lastModified = Date.parse(storedHeader(stored, 'last-modified') ?? '');
  const modifiedAt = Number.isNaN(lastModified) ? stored.storedAt : lastModified;
  return modifiedAt <= sinceMs;
}

function etagListMatches(list: string, etag: string): boolean {
  if (list.trim() === '*') return true;
  const opaque = weakless(etag);
  return list.split(',').some((candidate) => weakless(candidate.trim()) === opaque);
}

function weakless(etag: string): string {
  return etag.startsWith('W/') ? etag.slice(2) : etag;
}

/** The stored headers a 304 carries. */
export function notModifiedHeaders(headers: HeaderList): HeaderList {
  return headers.filter(([name]) => KEPT_ON_304.has(name) || name.startsWith('access-control-'));
}
