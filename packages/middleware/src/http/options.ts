import type { CacheLogger, CacheService, Duration, TagHeaderFormat } from '@tagcache/core';
import type { RequestInfo } from './request-info.js';

/** A tag header format: its name and the separator between tags (the core's type, re-exported). */
export type { TagHeaderFormat };

/** Statuses stored by default: the heuristically cacheable ones of RFC 9110 §15.1, minus 206. */
export const DEFAULT_STATUSES: readonly number[] = [200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501];

/**
 * Options of `cacheResponses` (Express and Koa alike). `Native` is the framework's request
 * (`express.Request` or `koa.Context`), passed to key and tag functions after the neutral
 * {@link RequestInfo}.
 */
export interface CacheResponsesOptions<Native = unknown> {
  /** Where responses are stored (any backend; Redis shares them across instances). */
  readonly cache: CacheService;
  /**
   * How long a stored response is fresh. Seconds or a string (`'5m'`). Default 60 s. With
   * {@link ttlFromResponse} it is only the heuristic lifetime of responses that state no
   * freshness of their own, and `0` stores only responses that do (reverse-proxy mode).
   */
  readonly ttl?: Duration;
  /**
   * Freshness from the response, as RFC 9111 §4.2 has a shared cache compute it: the lifetime
   * is `s-maxage`, else `max-age`, else `Expires` − `Date`, else `ttl`; the current age counts
   * the `Age` received; an invalid value (`max-age=-1`, `Expires: 0`, a duplicated directive)
   * means stale. Targeted fields ({@link targetedFields}) take precedence over `Cache-Control`,
   * and `stale-while-revalidate` / `stale-if-error` directives set the stale windows of the
   * response. A stale response is not stored unless a stale window applies. Default `false`
   * (always `ttl`).
   */
  readonly ttlFromResponse?: boolean;
  /**
   * Targeted cache-control fields this cache obeys (RFC 9213), first present and valid one
   * wins over `Cache-Control` and `Expires`; read only with {@link ttlFromResponse}.
   * `Cache-Control: private` and `no-store` still keep a response out of the cache. Default
   * `['CDN-Cache-Control']`; e.g. `['Tagcache-Cache-Control', 'CDN-Cache-Control']`, or `[]`.
   */
  readonly targetedFields?: readonly string[];
  /**
   * The cache key: a template such as `'{method}:{path}?{query.page}'` (placeholders
   * `{method} {path} {url} {query.X} {params.X} {headers.X}`, values escaped), or a function.
   * Default: method, path and the whole query sorted by parameter name.
   */
  readonly key?: string | ((request: RequestInfo, native: Native) => string);
  /**
   * Tags of every stored response: strings (templates allowed: `'product:{params.id}'`) or a
   * function. Handlers add more at run time (`res.locals.cacheTags` / `ctx.state.cacheTags`).
   * Default none.
   */
  readonly tags?: readonly string[] | ((request: RequestInfo, native: Native) => readonly string[]);
  /** Statuses that may be stored. Default {@link DEFAULT_STATUSES}. */
  readonly statuses?: readonly number[];
  /** Largest body stored, in bytes; larger ones are sent uncached. Default 1 MiB. */
  readonly maxBodySize?: number;
  /**
   * Stale-while-revalidate: for this long after `ttl`, requests that arrive while one
   * request refreshes the entry get the stale copy (`X-Cache: STALE`). Default 0 (off).
   */
  readonly swr?: Duration;
  /**
   * Stale-if-error: for this long after `ttl`, a refresh that throws or answers 5xx is
   * replaced by the stale copy. Default 0 (off).
   */
  readonly staleIfError?: Duration;
  /**
   * Cache requests that carry `Authorization`. Requires a key that includes
   * `{headers.authorization}` (or a key function that includes what makes the response
   * private). Default `false`: such requests bypass the cache.
   */
  readonly allowAuthorization?: boolean;
  /** Same as {@link allowAuthorization} for `Cookie` (`{headers.cookie}`). Default `false`. */
  readonly allowCookies?: boolean;
  /**
   * The tag header sent for CDN purging: `'Cache-Tag'` (comma-separated), `'Surrogate-Key'`
   * or `'xkey'` (space-separated), a custom {@link TagHeaderFormat}, or `false`. Default: the
   * header of the cache's first purger (`cache.tagHeader`: Varnish `xkey`, Fastly
   * `Surrogate-Key`, Cloudflare `Cache-Tag`), else `'Cache-Tag'`. The names match in any
   * letter case (`'surrogate-key'`); another string is a `CacheUsageError`.
   */
  readonly tagHeader?: 'Cache-Tag' | 'Surrogate-Key' | 'xkey' | TagHeaderFormat | false;
  /**
   * Longest tag header value in bytes; longer ones are cut at a tag boundary (and logged).
   * Default 2 KiB, so the whole head stays under nginx's 4 KiB proxy buffer and Node's 16 KiB.
   */
  readonly tagHeaderLimit?: number;
  /** Keys longer than this are replaced by a hash. Default 200. */
  readonly maxKeyLength?: number;
  /** Prepended to every key (after the cache's own prefix). Default `'http:'`. */
  readonly keyPrefix?: string;
  /** The cache's name in `Cache-Status` (RFC 9211), or `false` for no header. Default `'tagcache'`. */
  readonly cacheStatus?: string | false;
  /** Send `X-Cache: HIT | MISS | STALE`. Default `true`. */
  readonly xCache?: boolean;
  /** Warnings (tag header cut, invalid tags) and failures. Default: silent. */
  readonly logger?: CacheLogger;
}
