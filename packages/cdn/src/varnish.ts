import { CacheUsageError, type Purger, type TagHeaderFormat } from '@tagcache/core';
import { sendPurge } from './http.js';
import { type PurgerBaseOptions, parseUrl, purgerName, requireOptions, timeoutMs } from './options.js';

/** Options of {@link varnishPurger}. */
export interface VarnishPurgerOptions extends PurgerBaseOptions {
  /**
   * Where to send `PURGE` requests: one Varnish, or every one of a fleet (each gets every
   * purge). `http://user:pass@host/` sends the credentials as Basic auth, never in messages.
   */
  readonly url: string | readonly string[];
  /**
   * Request header that lists the tags, space-separated; your VCL hands it to `xkey.purge()`.
   * Default `'xkey-purge'` (`'xkey-softpurge'` with `soft`), as in vmod_xkey's documentation.
   */
  readonly header?: string;
  /** Soft purge (`xkey.softpurge`: objects go stale, kept for grace) instead of removal. Default `false`. */
  readonly soft?: boolean;
  /**
   * Longest tag list in one request, in bytes. Varnish refuses request headers longer than
   * its `http_req_hdr_len` (8 KiB by default). Default 7,000.
   */
  readonly maxHeaderBytes?: number;
}

/** vmod_xkey reads tags from the `xkey` response header, separated by spaces. */
const XKEY: TagHeaderFormat = { name: 'xkey', separator: ' ' };

/**
 * A purger for Varnish with vmod_xkey (Debian/Ubuntu package `varnish-modules`): sends
 * `PURGE` with the tags in an `xkey-purge` header to each configured Varnish, whose VCL
 * calls `xkey.purge()` behind an ACL (see `examples/varnish/default.vcl`). Responses must
 * carry their tags in `xkey`: the middleware sends it when this purger is the service's.
 * There is no purge-everything: a full queue drops tags (a `purge-error` event).
 *
 * @example
 * ```ts
 * const cache = new CacheService({ backend, purgers: [varnishPurger({ url: 'http://127.0.0.1:6081/' })] });
 * ```
 */
export function varnishPurger(options: VarnishPurgerOptions): Purger {
  requireOptions(options, "{ url: 'http://127.0.0.1:6081/' }");
  const list = typeof options.url === 'string' ? [options.url] : options.url;
  if (!Array.isArray(list) || list.length === 0) {
    throw new CacheUsageError('expected a URL or a non-empty array of URLs', 'url');
  }
  const targets = (list as readonly unknown[]).map((value, i) =>
    target(value, list.length > 1 ? `url[${i}]` : 'url'),
  );
  const soft = options.soft === true;
  const header = options.header ?? (soft ? 'xkey-softpurge' : 'xkey-purge');
  if (typeof header !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(header)) {
    throw new CacheUsageError('expected a header name such as xkey-purge', 'header');
  }
  const maxBytes = options.maxHeaderBytes ?? 7_000;
  if (!Number.isInteger(maxBytes) || maxBytes < 64) {
    throw new CacheUsageError('expected an integer of at least 64', 'maxHeaderBytes');
  }
  const name = purgerName(options, 'varnish');
  const timeout = timeoutMs(options);
  return {
    name,
    batch: { maxTags: 1_000, maxBytes },
    tagHeader: XKEY,
    async purge(tags) {
      const value = tags.join(' ');
      await Promise.all(
        targets.map(({ url, auth }) =>
          sendPurge({
            purger: name,
            method: 'PURGE',
            url,
            headers: { [header]: value, ...auth },
            timeoutMs: timeout,
          }),
        ),
      );
    },
  };
}

/** The URL without userinfo, which becomes a Basic `Authorization` header. */
function target(value: unknown, field: string): { url: URL; auth: Record<string, string> } {
  const url = parseUrl(value, field);
  if (url.username === '' && url.password === '') return { url, auth: {} };
  const basic = Buffer.from(
    `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`,
  ).toString('base64');
  url.username = '';
  url.password = '';
  return { url, auth: { authorization: `Basic ${basic}` } };
}
