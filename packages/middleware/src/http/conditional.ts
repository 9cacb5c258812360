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
  // Preconditions apply only to a response that would be 2xx (RFC 9110 §13.2.1).
  if (stored.status < 200 || stored.status > 299) return false;
  const noneMatch = headers['if-none-match'];
  if (noneMatch !== undefined) return etagListMatches(noneMatch, stored.etag);
  const since = headers['if-modified-since'];
  if (since === undefined) return false;
  const sinceMs = httpDate(since);
  if (sinceMs === undefined) return false;
  const lastModified = Date.parse(storedHeader(stored, 'last-modified') ?? '');
  const modifiedAt = Number.isNaN(lastModified) ? stored.storedAt : lastModified;
  return modifiedAt <= sinceMs;
}

/** IMF-fixdate, obsolete RFC 850 and asctime forms (RFC 9110 §5.6.7); anything else is no HTTP-date. */
const HTTP_DATE =
  /^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4})$/;

/** Epoch ms of an HTTP-date, or `undefined` for any other text (ignored, RFC 9110 §13.1.3). */
export function httpDate(value: string): number | undefined {
  if (!HTTP_DATE.test(value)) return undefined;
  const ms = Date.parse(value.includes('GMT') ? value : `${value} GMT`);
  return Number.isNaN(ms) ? undefined : ms;
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
