import type { Purger, TagHeaderFormat } from '@tagcache/core';
import { sendPurge } from './http.js';
import {
  apiUrl,
  type PurgerBaseOptions,
  purgerName,
  requireApiBase,
  requireId,
  requireOptions,
  requireSecret,
  timeoutMs,
} from './options.js';

/** Options of {@link fastlyPurger}. */
export interface FastlyPurgerOptions extends PurgerBaseOptions {
  /** The Fastly service's id. */
  readonly serviceId: string;
  /** An API token with the `purge_select` scope (`purge_all` too for a full queue's fallback). */
  readonly token: string;
  /**
   * Soft purge (`Fastly-Soft-Purge: 1`): objects are marked stale, so Fastly may still serve
   * them within `stale-while-revalidate` / `stale-if-error`. Default `false`.
   */
  readonly soft?: boolean;
  /** The API's origin. Default `https://api.fastly.com` (tests point it at a local server). */
  readonly baseUrl?: string;
}

/** Fastly reads surrogate keys from the `Surrogate-Key` response header, separated by spaces. */
const SURROGATE_KEY: TagHeaderFormat = { name: 'Surrogate-Key', separator: ' ' };

/** Fastly's limit of keys per batch purge request. */
const FASTLY_MAX_KEYS = 256;

/**
 * A purger for Fastly: purges by surrogate key through the API (`POST
 * /service/{serviceId}/purge` with `{ surrogate_keys }`, at most 256 keys a request,
 * `Fastly-Key` auth). A full queue falls back to `purge_all` (never soft). Responses must
 * carry their tags in `Surrogate-Key`: the middleware sends it when this purger is the
 * service's (Fastly strips it before the client).
 *
 * @example
 * ```ts
 * fastlyPurger({ serviceId: process.env.FASTLY_SERVICE_ID!, token: process.env.FASTLY_TOKEN!, soft: true })
 * ```
 */
export function fastlyPurger(options: FastlyPurgerOptions): Purger {
  requireOptions(options, '{ serviceId, token }');
  const serviceId = requireId(options.serviceId, 'serviceId');
  const token = requireSecret(options.token, 'token');
  const base = requireApiBase(options.baseUrl ?? 'https://api.fastly.com', 'baseUrl');
  const name = purgerName(options, 'fastly');
  const timeout = timeoutMs(options);
  const auth = { 'fastly-key': token, accept: 'application/json' };
  const purgeUrl = apiUrl(base, `/service/${serviceId}/purge`);
  const purgeAllUrl = apiUrl(base, `/service/${serviceId}/purge_all`);
  const soft: Record<string, string> = options.soft === true ? { 'fastly-soft-purge': '1' } : {};
  return {
    name,
    batch: { maxTags: FASTLY_MAX_KEYS },
    tagHeader: SURROGATE_KEY,
    async purge(tags) {
      await sendPurge({
        purger: name,
        method: 'POST',
        url: purgeUrl,
        headers: { ...auth, ...soft, 'content-type': 'application/json' },
        body: JSON.stringify({ surrogate_keys: tags }),
        timeoutMs: timeout,
      });
    },
    async purgeAll() {
      await sendPurge({ purger: name, method: 'POST', url: purgeAllUrl, headers: auth, timeoutMs: timeout });
    },
  };
}
