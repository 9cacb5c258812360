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
  /**
   * The scheme as the framework resolves it (`http`, `https`; Express `req.protocol`, Koa
   * `ctx.protocol`), so from `X-Forwarded-Proto` only when the app trusts its proxy.
   */
  readonly protocol: string;
  /**
   * The host and port as the framework resolves them (Express `req.host`, Koa `ctx.host`), so
   * from `X-Forwarded-Host` only when the app trusts its proxy; `undefined` when the request
   * names none (an HTTP/1.0 request without `Host`), and then it is never cached.
   */
  readonly host: string | undefined;
}

/**
 * Builds a {@link RequestInfo}; the query is parsed on first use. A class rather than an object
 * literal with a getter: a literal's getter is a new closure per request, which gives every
 * request object its own hidden class (allocated in V8's old space, kept until a full GC).
 */
export function requestInfo(
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
  params: Readonly<Record<string, unknown>> | undefined,
  protocol = 'http',
  host: string | undefined = headers.host,
): RequestInfo {
  return new ParsedRequest(method, url, headers, params, protocol, host);
}

class ParsedRequest implements RequestInfo {
  readonly method: string;
  readonly url: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  readonly protocol: string;
  readonly host: string | undefined;
  readonly #search: string;
  #query: URLSearchParams | undefined;

  constructor(
    method: string,
    url: string,
    headers: IncomingHttpHeaders,
    params: Readonly<Record<string, unknown>> | undefined,
    protocol: string,
    host: string | undefined,
  ) {
    const mark = url.indexOf('?');
    this.method = method === 'GET' ? method : method.toUpperCase();
    this.url = url;
    this.path = mark === -1 ? url : url.slice(0, mark);
    this.#search = mark === -1 ? '' : url.slice(mark + 1);
    this.params = normalizeParams(params);
    this.headers = headers;
    this.protocol = protocol;
    this.host = host === '' ? undefined : host;
  }

  get query(): URLSearchParams {
    this.#query ??= new URLSearchParams(this.#search);
    return this.#query;
  }
}

/** Route parameters as strings (Express 5 wildcards give arrays: joined with `/`). */
function normalizeParams(params: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (params === undefined || params === null) return out;
  // `Object.keys` rather than `Object.entries`: V8 answers it without a runtime call.
  for (const name of Object.keys(params)) {
    const value = params[name];
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
