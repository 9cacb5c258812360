import type { IncomingHttpHeaders } from 'node:http';

/**
 * The request as the cache sees it, the same for Express and Koa. Key and tag functions
 * receive it.
 */
export interface RequestInfo {
  /** Upper-case method as received (`HEAD` stays `HEAD`; keys use `GET` for both). */
  readonly method: string;
  /** The original URL: path and query string, before any router stripped a mount path. */
  readonly url: string;
  /** The path of {@link url}, still percent-encoded. */
  readonly path: string;
  /** The query string of {@link url}, parsed. */
  readonly query: URLSearchParams;
  /** Route parameters (empty when the middleware runs before routing). */
  readonly params: Readonly<Record<string, string>>;
  /** Request headers, names in lower case. */
  readonly headers: IncomingHttpHeaders;
}

/** Builds a {@link RequestInfo}; the query is parsed on first use. */
export function requestInfo(
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
  params: Readonly<Record<string, unknown>> | undefined,
): RequestInfo {
  const mark = url.indexOf('?');
  const path = mark === -1 ? url : url.slice(0, mark);
  const search = mark === -1 ? '' : url.slice(mark + 1);
  let query: URLSearchParams | undefined;
  return {
    method: method.toUpperCase(),
    url,
    path,
    get query(): URLSearchParams {
      query ??= new URLSearchParams(search);
      return query;
    },
    params: normalizeParams(params),
    headers,
  };
}

/** Route parameters as strings (Express 5 wildcards give arrays: joined with `/`). */
function normalizeParams(params: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (params === undefined || params === null) return out;
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'string') out[name] = value;
    else if (Array.isArray(value)) out[name] = value.map(String).join('/');
    else if (value !== undefined) out[name] = String(value);
  }
  return out;
}

/** One header's value as a single string (repeated headers joined by `, `), or `undefined`. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : value;
}
