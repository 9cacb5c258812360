import {
  type CacheSource,
  CacheUsageError,
  type GetOrSetOptions,
  type GetOrSetReport,
  LoaderError,
} from '@tagcache/core';
import { finalKey, variantKey } from './cache-key.js';
import { type Outcome, outcomeHeaders } from './cache-status.js';
import { isNotModified } from './conditional.js';
import type { Exchange } from './exchange.js';
import { staleWindows } from './freshness.js';
import { keptEntry, keptRendering } from './kept-responses.js';
import { type Cached, type LoadPlan, loadResponse, OTHER_VARIANT } from './load-response.js';
import { type RenderedResponse, renders } from './rendered.js';
import { routeSource } from './route-source.js';
import type { CacheResponsesSettings } from './settings.js';
import { bypassReason } from './storability.js';
import { fromStoredEntry, type StoredResponse } from './stored-response.js';
import { tagHeaderFields } from './tag-fields.js';
import { inspectUnkeyedInputs } from './unkeyed-inputs.js';
import { invalidateAfterUnsafe, isUnsafe, variantsTag } from './unsafe-invalidation.js';
import { varyMatches } from './vary.js';

/** A lookup's result: the adapter's response is already settled, or a stored response to send. */
type Found =
  | { readonly kind: 'done' }
  | { readonly kind: 'pass'; readonly detail: string }
  | {
      readonly kind: 'stored';
      /** The key it was read under (primary or variant). */
      readonly key: string;
      readonly stored: StoredResponse;
      readonly fallback: boolean;
      /** Shared from a concurrent request's load rather than read from the cache. */
      readonly collapsed: boolean;
    };

/**
 * Answers one request: from the cache, or by running the handler once for every concurrent
 * request on the key (the core's `getOrSet`) and storing its response when it may be shared.
 * A fresh hit this process holds (memory backend, L1) is sent synchronously: `undefined` then.
 * Otherwise the promise settles when the response is. It rejects only with a Koa handler's own
 * error, before anything was sent. A failing cache never surfaces: the request is served
 * uncached.
 */
export function handleRequest(
  settings: CacheResponsesSettings,
  exchange: Exchange,
): Promise<void> | undefined {
  const request = exchange.request;
  const bypass = bypassReason(request, settings);
  if (bypass !== undefined) {
    const outcome: Outcome =
      bypass === 'method'
        ? { kind: 'bypass', fwd: 'method' }
        : { kind: 'bypass', fwd: 'bypass', detail: bypass };
    const headers = outcomeHeaders(settings, outcome);
    if (bypass !== 'method' || !isUnsafe(request.method)) return exchange.passThrough(headers);
    return exchange.passThrough(headers, (head) =>
      invalidateAfterUnsafe(settings, request, exchange.native, head),
    );
  }
  const unkeyed = inspectUnkeyedInputs(request);
  if (unkeyed.refusal !== undefined) {
    return exchange.passThrough(
      outcomeHeaders(settings, { kind: 'bypass', fwd: 'request', detail: unkeyed.refusal }),
    );
  }
  let key: string;
  let tags: readonly string[];
  try {
    const requestKey = checkedKey(settings.key(request, exchange.native)) + unkeyed.keyPart;
    key = finalKey(settings.keyPrefix, requestKey, settings.maxKeyLength);
    tags = checkedTags(settings.tags(request, exchange.native));
  } catch (error) {
    settings.logger.error({ err: error, url: request.url }, 'tagcache: key or tags failed; serving uncached');
    return exchange.passThrough(
      outcomeHeaders(settings, { kind: 'bypass', fwd: 'bypass', detail: 'key-error' }),
    );
  }
  if (request.method === 'HEAD') return serveHead(settings, exchange, key, tags);

  const source = routeSource(settings.memo, request.method, exchange.route());
  const plan: LoadPlan = {
    settings,
    exchange,
    tags,
    source,
    expectedVary: undefined,
    missReason: 'uri-miss',
  };
  // The kept entry itself (the middleware never changes what it reads), so that its response
  // and rendering are derived once per entry.
  const now = settings.cache.hitNow<Cached>(key, { source, shared: true });
  const kept = now?.value;
  if (kept === undefined) return answer(key, plan, undefined);
  const derived = keptEntry(kept);
  const stored = derived.stored;
  if (stored === undefined) return answer(key, plan, undefined);
  if (!varyMatches(stored, request))
    return answer(key, plan, { kind: 'stored', key, stored, fallback: false, collapsed: false });
  sendStored(settings, exchange, stored, keptRendering(derived, settings, stored), false, false);
  return undefined;
}

/**
 * The rest of {@link handleRequest} once the in-process answer is known (`first`: the primary
 * entry, found but of another variant): looks the key up (running the handler on a miss), then
 * the variant's key when the entry varies, and sends what was found.
 */
async function answer(key: string, plan: LoadPlan, first: Found | undefined): Promise<void> {
  const { settings, exchange, tags } = plan;
  const request = exchange.request;
  let found = first ?? (await lookup(key, plan));
  if (found.kind === 'stored' && !varyMatches(found.stored, request)) {
    const vary = found.stored.vary;
    // Every variant entry carries the URL's variants tag: an unsafe request drops them all.
    const variantTags = [...tags, variantsTag(key)];
    found = await lookup(
      variantKey(key, vary, request),
      {
        ...plan,
        expectedVary: vary,
        missReason: 'vary-miss',
      },
      variantTags,
    );
    if (found.kind === 'stored' && !varyMatches(found.stored, request))
      found = { kind: 'pass', detail: 'vary' };
  }
  if (found.kind === 'done') return;
  if (found.kind === 'pass') {
    const headers = outcomeHeaders(settings, { kind: 'miss', fwd: 'uri-miss', detail: found.detail });
    return exchange.passThrough([...headers, ...tagHeaderFields(settings, tags)]);
  }
  const rendered = renders.render(settings, found.key, found.stored);
  sendStored(settings, exchange, found.stored, rendered, found.fallback, found.collapsed);
}

/** A key function's result: a string, or a `CacheUsageError` (an `async` one gives a Promise). */
function checkedKey(key: unknown): string {
  if (typeof key !== 'string')
    throw new CacheUsageError(`the key function returned ${describe(key)}, not a string`, 'key');
  return key;
}

/** A tags function's result: an array (its strings are checked by the core). */
function checkedTags(tags: unknown): readonly string[] {
  if (!Array.isArray(tags))
    throw new CacheUsageError(`the tags function returned ${describe(tags)}, not an array`, 'tags');
  return tags;
}

function describe(value: unknown): string {
  if (value instanceof Promise) return 'a Promise (key and tags functions must be synchronous)';
  return value === null ? 'null' : `a value of type ${typeof value}`;
}

/** HEAD is answered from GET's entry and never stored (its response has no body). */
async function serveHead(
  settings: CacheResponsesSettings,
  exchange: Exchange,
  key: string,
  tags: readonly string[],
): Promise<void> {
  const cache = settings.cache;
  let stored: StoredResponse | undefined;
  let storedKey = key;
  try {
    stored = fromStoredEntry(await cache.get(key));
    if (stored !== undefined && !varyMatches(stored, exchange.request)) {
      storedKey = variantKey(key, stored.vary, exchange.request);
      const second = fromStoredEntry(await cache.get(storedKey));
      stored = second !== undefined && varyMatches(second, exchange.request) ? second : undefined;
    }
  } catch (error) {
    settings.logger.error({ err: error, key }, 'tagcache: cache read failed; serving uncached');
    stored = undefined;
  }
  if (stored === undefined) {
    const headers = outcomeHeaders(settings, { kind: 'miss', fwd: 'uri-miss', detail: 'head' });
    return exchange.passThrough([...headers, ...tagHeaderFields(settings, tags)]);
  }
  sendStored(settings, exchange, stored, renders.render(settings, storedKey, stored), false, false);
}

/** `getOrSetReport` on one key, the handler as loader; turns its outcome into a {@link Found}. */
async function lookup(key: string, plan: LoadPlan, keyTags: readonly string[] = plan.tags): Promise<Found> {
  const { settings } = plan;
  let got: GetOrSetReport<Cached>;
  try {
    got = await settings.cache.getOrSetReport<Cached>(
      key,
      (context) => loadResponse(context, plan),
      lookupOptions(settings, keyTags, plan.source),
    );
  } catch (error) {
    if (error instanceof LoaderError) {
      // This request's handler threw before responding (Koa): its error is the request's.
      if (!error.shared) throw error.cause;
      // Another request's handler threw (its error is that request's): this one runs its own.
      return { kind: 'pass', detail: 'collapsed-uncacheable' };
    }
    // A programmer error (invalid tag): serve this one uncached.
    settings.logger.error({ err: error, key }, 'tagcache: lookup failed; serving uncached');
    return { kind: 'pass', detail: 'error' };
  }
  const { outcome, stored } = got;
  const ownLoad = outcome === 'loaded' || outcome === 'degraded';
  // This request's handler answered, unless its load only handed back another variant's entry.
  if (ownLoad && (stored === true || stored.detail !== OTHER_VARIANT)) return { kind: 'done' };
  const response = fromStoredEntry(got.value);
  if (response === undefined) {
    // A shared load whose response could not be stored (nor shared), or a fallback without one.
    return outcome === 'fallback' ? { kind: 'done' } : { kind: 'pass', detail: 'collapsed-uncacheable' };
  }
  return {
    kind: 'stored',
    key,
    stored: response,
    fallback: outcome === 'fallback',
    collapsed: outcome === 'shared',
  };
}

/** `getOrSet` options for these tags and source; built once while they stay the same objects. */
function lookupOptions(
  settings: CacheResponsesSettings,
  tags: readonly string[],
  source: CacheSource,
): GetOrSetOptions {
  const memo = settings.memo;
  if (memo.optionTags !== tags || memo.optionSource !== source) {
    memo.options = { ...settings.lookupOptions, tags, source };
    memo.optionTags = tags;
    memo.optionSource = source;
  }
  return memo.options;
}

/**
 * A hit (fresh, stale or shared from a concurrent load): `304` when the client's copy is
 * current. The entry's rendering is built once per process; only `Age`, `X-Cache` and
 * `Cache-Status` are computed per hit.
 */
function sendStored(
  settings: CacheResponsesSettings,
  exchange: Exchange,
  stored: StoredResponse,
  rendered: RenderedResponse,
  fallback: boolean,
  collapsed: boolean,
): void {
  const now = Date.now();
  const ttlMs = stored.freshUntil - now;
  const ageMs = now - stored.storedAt + stored.initialAge;
  const windows = staleWindows(stored, settings);
  const stale = fallback || (ttlMs <= 0 && Math.max(windows.swrMs, windows.staleIfErrorMs) > 0);
  const outcome: Outcome = stale
    ? { kind: 'stale', ttlMs, ageMs, detail: fallback ? 'stale-if-error' : 'stale-while-revalidate' }
    : { kind: 'hit', ttlMs, ageMs, collapsed };
  exchange.send({
    rendered: isNotModified(exchange.request.headers, stored) ? rendered.notModified() : rendered,
    cacheHeaders: outcomeHeaders(settings, outcome),
    replace: fallback,
  });
}
