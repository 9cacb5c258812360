import { CacheUsageError, PurgeError, type Purger, type TagHeaderFormat } from '@tagcache/core';
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

/** Options of {@link cloudflarePurger}. */
export interface CloudflarePurgerOptions extends PurgerBaseOptions {
  /** The zone's id. */
  readonly zoneId: string;
  /** An API token with the Zone › Cache Purge permission (sent as `Authorization: Bearer`). */
  readonly token: string;
  /**
   * Most tags in one request. Default 100, Cloudflare's documented limit of purge operations
   * per request on every plan; raise it only if your plan's limit is higher.
   */
  readonly maxTagsPerRequest?: number;
  /** The API's origin. Default `https://api.cloudflare.com` (tests point it at a local server). */
  readonly baseUrl?: string;
}

/** Cloudflare reads cache tags from the `Cache-Tag` response header, separated by commas. */
const CACHE_TAG: TagHeaderFormat = { name: 'Cache-Tag', separator: ',' };

/**
 * A purger for Cloudflare: purges by cache tag through the API (`POST
 * /client/v4/zones/{zoneId}/purge_cache` with `{ tags }`, Bearer token). A full queue falls
 * back to `{ purge_everything: true }`. Responses must carry their tags in `Cache-Tag`: the
 * middleware sends it when this purger is the service's (Cloudflare strips it before the
 * client).
 *
 * @example
 * ```ts
 * cloudflarePurger({ zoneId: process.env.CF_ZONE_ID!, token: process.env.CF_API_TOKEN! })
 * ```
 */
export function cloudflarePurger(options: CloudflarePurgerOptions): Purger {
  requireOptions(options, '{ zoneId, token }');
  const zoneId = requireId(options.zoneId, 'zoneId');
  const token = requireSecret(options.token, 'token');
  const base = requireApiBase(options.baseUrl ?? 'https://api.cloudflare.com', 'baseUrl');
  const maxTags = options.maxTagsPerRequest ?? 100;
  if (!Number.isInteger(maxTags) || maxTags < 1) {
    throw new CacheUsageError('expected a positive integer', 'maxTagsPerRequest');
  }
  const name = purgerName(options, 'cloudflare');
  const timeout = timeoutMs(options);
  const url = apiUrl(base, `/client/v4/zones/${zoneId}/purge_cache`);
  const send = async (body: object): Promise<void> => {
    const text = await sendPurge({
      purger: name,
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      timeoutMs: timeout,
    });
    if (refused(text)) {
      throw new PurgeError('HTTP', `${name}: POST ${url.origin}${url.pathname} answered success: false`);
    }
  };
  return {
    name,
    batch: { maxTags },
    tagHeader: CACHE_TAG,
    purge: (tags) => send({ tags }),
    purgeAll: () => send({ purge_everything: true }),
  };
}

/** Whether a 2xx answer still says `"success": false` (Cloudflare's envelope). */
function refused(text: string): boolean {
  try {
    return (JSON.parse(text) as { success?: unknown }).success === false;
  } catch {
    return false;
  }
}
