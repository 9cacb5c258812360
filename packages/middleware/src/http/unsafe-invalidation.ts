import { hashString } from '@tagcache/core';
import { finalKey } from './cache-key.js';
import { type RequestInfo, requestInfo } from './request-info.js';
import type { CacheResponsesSettings } from './settings.js';
import { headValue, type ResponseHead } from './stored-response.js';
import { inspectUnkeyedInputs } from './unkeyed-inputs.js';

/** Methods that never invalidate (RFC 9110 §9.2.1); every other one, unknown ones included, does. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** Whether a request's method is unsafe, so that its success invalidates (RFC 9111 §4.4). */
export function isUnsafe(method: string): boolean {
  return !SAFE_METHODS.has(method);
}

/**
 * The tag every variant entry (a response stored under a `Vary` secondary key) carries: one
 * tag invalidation drops all variants of a URL. Internal: never sent in the tag header nor
 * purged at a CDN.
 */
export function variantsTag(primaryKey: string): string {
  return `tagcache:variants:${hashString(primaryKey)}`;
}

/**
 * RFC 9111 §4.4: after a non-error (2xx, 3xx) response to an unsafe request, drops what is
 * stored for its URL, and for its `Location` and `Content-Location` when they name the same
 * origin (scheme, host and port as the framework resolved them for the request). Each URL's key
 * is computed as for a `GET` of it through this middleware (same key template, same keyed
 * proxy headers); every `Vary` variant goes with it. Failures are logged, never thrown.
 */
export async function invalidateAfterUnsafe(
  settings: CacheResponsesSettings,
  request: RequestInfo,
  native: unknown,
  head: ResponseHead,
): Promise<void> {
  if (head.status < 200 || head.status > 399 || request.host === undefined) return;
  const urls = new Set([request.url]);
  for (const name of ['location', 'content-location']) {
    const url = sameOriginUrl(request, headValue(head.headers, name));
    if (url !== undefined) urls.add(url);
  }
  const keyPart = keyedInputs(request);
  const work: Promise<unknown>[] = [];
  for (const url of urls) {
    try {
      const params = url === request.url ? request.params : {};
      const target = requestInfo('GET', url, request.headers, params, request.protocol, request.host);
      const requestKey = settings.key(target, native);
      if (typeof requestKey !== 'string') continue;
      const key = finalKey(settings.keyPrefix, requestKey + keyPart, settings.maxKeyLength);
      work.push(
        settings.cache.delete(key),
        settings.cache.invalidateTags([variantsTag(key)], { purge: false }),
      );
    } catch (error) {
      settings.logger.error({ err: error, url }, 'tagcache: key failed; nothing invalidated for it');
    }
  }
  try {
    await Promise.all(work);
  } catch (error) {
    settings.logger.error(
      { err: error, url: request.url },
      'tagcache: invalidation after an unsafe request failed',
    );
  }
}

/**
 * The path and query of `reference` resolved against the request's URL, when it has the
 * request's origin; `undefined` for another origin, or no valid URL (RFC 9111 §4.4: a cache
 * must not invalidate another origin's entries, which would open a denial of service).
 */
function sameOriginUrl(request: RequestInfo, reference: string | undefined): string | undefined {
  if (reference === undefined || reference === '') return undefined;
  let origin: string;
  let target: URL;
  try {
    origin = new URL(`${request.protocol}://${request.host}`).origin;
    // The request's own origin, never one an absolute-form request-target names.
    target = new URL(reference, new URL(request.path.startsWith('/') ? request.path : '/', origin));
  } catch {
    return undefined;
  }
  if (target.origin !== origin) return undefined;
  return target.pathname + target.search;
}

/** The keyed proxy headers of the request, as a `GET` with them would carry in its key. */
function keyedInputs(request: RequestInfo): string {
  const headers = { ...request.headers };
  // A request body is what makes a request unsafe: it never keeps the URL's entry from going.
  delete headers['content-length'];
  delete headers['transfer-encoding'];
  const inputs = inspectUnkeyedInputs(
    requestInfo('GET', request.url, headers, {}, request.protocol, request.host),
  );
  return inputs.keyPart;
}
