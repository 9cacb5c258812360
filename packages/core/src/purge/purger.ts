/** A response header that carries an entry's tags to a CDN or reverse proxy. */
export interface TagHeaderFormat {
  /** Header name, e.g. `'Cache-Tag'`, `'Surrogate-Key'`, `'xkey'`. */
  readonly name: string;
  /** `','` (Cloudflare, Akamai) or `' '` (Fastly, Varnish xkey). */
  readonly separator: ',' | ' ';
}

/** How many tags one purge request may carry. */
export interface PurgeBatchLimits {
  /** Most tags in one request (Fastly: 256, Cloudflare: 100). */
  readonly maxTags: number;
  /**
   * Most bytes of the tags joined by one separator, when the tags travel in a request header
   * (Varnish: its `http_req_hdr_len` is 8 KiB by default). No limit when omitted.
   */
  readonly maxBytes?: number;
}

/**
 * Purges tagged responses from a CDN or reverse proxy. `@tagcache/cdn` has the Varnish, Fastly
 * and Cloudflare ones; any object of this shape works.
 *
 * A `CacheService` with `purgers` hands every purger the tags of each `invalidateTags`, after
 * its own entries were invalidated, through a queue that coalesces, batches by
 * {@link Purger.batch}, retries failures marked `retryable`, and purges again after
 * `repurgeAfter`. A purger only sends one request (or one per configured server) and throws a
 * `PurgeError` when it fails; it must never put credentials in an error or a log line.
 */
export interface Purger {
  /** Name in events and logs, e.g. `'fastly'` (never a credential). */
  readonly name: string;
  /** Limits of one {@link purge} call; the queue splits larger sets. */
  readonly batch: PurgeBatchLimits;
  /**
   * The response header this CDN reads tags from. The HTTP middleware sends it by default,
   * so the tags it emits are the ones this purger can purge.
   */
  readonly tagHeader?: TagHeaderFormat;
  /** Purges every response tagged with any of `tags` (at most {@link batch} of them). */
  purge(tags: readonly string[]): Promise<void>;
  /**
   * Purges everything. Optional: when present, a full queue falls back to it instead of
   * dropping tags.
   */
  purgeAll?(): Promise<void>;
}
