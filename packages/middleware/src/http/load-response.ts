import type { CacheSource, LoaderContext } from '@tagcache/core';
import { outcomeHeaders } from './cache-status.js';
import type { Capture, Exchange, HeadDecision } from './exchange.js';
import { staleWindows, storedFreshness, storedLifetime } from './freshness.js';
import type { CacheResponsesSettings } from './settings.js';
import { bodyTruncated, headNotStored, type NotStoredReason } from './storability.js';
import {
  computeEtag,
  fromStoredEntry,
  headValue,
  type StoredEntry,
  type StoredResponse,
  storableHeaders,
  toStoredEntry,
} from './stored-response.js';
import { tagHeaderFields } from './tag-fields.js';
import { parseVary, sameNames, varyMatches, varySignature } from './vary.js';

/** What a load hands to `getOrSetReport`: a response to store, or `undefined` when it was not storable. */
export type Cached = StoredEntry | undefined;

/** Why a load handed back the stale entry of another variant rather than running the handler. */
export const OTHER_VARIANT = 'other-variant';

/** One `getOrSetReport` lookup's parameters. */
export interface LoadPlan {
  readonly settings: CacheResponsesSettings;
  readonly exchange: Exchange;
  readonly tags: readonly string[];
  /** The request's route, for metrics. */
  readonly source: CacheSource;
  /** For a variant key: the `Vary` names it was computed from. */
  readonly expectedVary: readonly string[] | undefined;
  readonly missReason: 'uri-miss' | 'vary-miss';
}

/**
 * The loader given to `getOrSetReport`: runs the handler on the current request and lets its
 * response through, returning what may be stored (or `undefined` after `skipStore`). A 5xx
 * held back, or a handler error, while a stale copy can replace it ends as `serveStale()`; a
 * handler error otherwise is thrown to the caller (never answered with a stale copy).
 */
export async function loadResponse(context: LoaderContext<Cached>, plan: LoadPlan): Promise<Cached> {
  const { settings, exchange } = plan;
  const stale = fromStoredEntry(context.stale);
  if (stale !== undefined && plan.expectedVary === undefined && !varyMatches(stale, exchange.request)) {
    // A stale primary entry of another variant: this request refreshes (or, when the handler
    // fails, falls back to) its own variant's entry instead, so the handler runs once.
    context.skipStore(OTHER_VARIANT);
    return context.stale;
  }
  const staleIfErrorMs = stale === undefined ? 0 : staleWindows(stale, settings).staleIfErrorMs;
  const canFallBack =
    stale !== undefined && staleIfErrorMs > 0 && Date.now() < stale.freshUntil + staleIfErrorMs;
  const fwd = stale === undefined ? plan.missReason : 'stale';
  const requestTime = Date.now();
  let headTags: readonly string[] = plan.tags;
  let captured: Capture;
  try {
    captured = await exchange.capture({
      maxBodySize: settings.maxBodySize,
      onHead: (head, body): HeadDecision => {
        if (canFallBack && head.status >= 500) return { suppress: true };
        const detail = headNotStored(head, settings);
        const tags = [...plan.tags, ...exchange.runtimeTags()];
        headTags = tags;
        const etag = detail === undefined && body !== undefined && head.headers.etag === undefined;
        const headers = [
          ...(etag ? [['etag', computeEtag(body)] as const] : []),
          ...outcomeHeaders(
            settings,
            detail === undefined ? { kind: 'miss', fwd } : { kind: 'miss', fwd, detail },
          ),
          ...tagHeaderFields(settings, tags),
        ];
        return { suppress: false, headers };
      },
    });
  } catch (error) {
    settings.logger.error({ err: error, key: context.key }, 'tagcache: response capture failed');
    context.skipStore('capture-failed');
    return undefined;
  }
  if (captured.kind === 'suppressed' || (captured.kind === 'threw' && canFallBack)) {
    if (captured.kind === 'threw') exchange.reportError(captured.error);
    return context.serveStale();
  }
  if (captured.kind === 'threw') {
    context.noFallback();
    throw captured.error;
  }
  const runtimeTags = exchange.runtimeTags();
  if (captured.kind === 'complete' && runtimeTags.length > 0)
    warnLateTags(settings, exchange, headTags, runtimeTags);
  const stored = toStored(captured, plan, runtimeTags, requestTime);
  if (typeof stored === 'string') {
    context.skipStore(stored);
    return undefined;
  }
  // A tag that is no tag (a lone surrogate) would make the core refuse the load after the fact.
  if (runtimeTags.length > 0) context.addTags(...runtimeTags.filter(wellFormed));
  const lifetime = storedLifetime(stored, settings);
  if (lifetime.ttl !== undefined) context.setTtl(lifetime.ttl);
  if (lifetime.grace !== undefined) context.setGrace(lifetime.grace);
  return toStoredEntry(stored);
}

/**
 * Tags added after the head went out (a streamed page) are stored, and sent on hits, but the
 * miss's tag header could not carry them: a CDN copy of the miss is not purged by them. Logged.
 */
function warnLateTags(
  settings: CacheResponsesSettings,
  exchange: Exchange,
  headTags: readonly string[],
  runtimeTags: readonly string[],
): void {
  if (settings.tagHeader === undefined) return;
  const sent = new Set(headTags);
  const late = runtimeTags.filter((tag) => !sent.has(tag));
  if (late.length === 0) return;
  settings.logger.warn(
    { url: exchange.request.url, header: settings.tagHeader.name, tags: late },
    'tagcache: tags added after the response head was sent are stored but missing from this miss’s tag header (a CDN copy of it is not purged by them); add tags before the first write',
  );
}

/** The response to store, or why it may not be. */
function toStored(
  captured: Capture,
  plan: LoadPlan,
  runtimeTags: readonly string[],
  requestTime: number,
): StoredResponse | NotStoredReason {
  if (captured.kind !== 'complete') return 'aborted';
  const { head, sent, body } = captured;
  const { settings, exchange } = plan;
  // The head as sent decides too: a session mounted before the cache sets its cookie late.
  const reason = headNotStored(head, settings) ?? headNotStored(sent, settings);
  if (reason !== undefined) return reason;
  if (sent.status !== head.status) return 'status';
  if (body === undefined) return 'too-large';
  if (bodyTruncated(head, body)) return 'truncated';
  const storedAt = Date.now();
  const fresh = storedFreshness(head.headers, settings, requestTime, storedAt);
  const windows = staleWindows(fresh, settings);
  if (fresh.freshMs <= 0 && Math.max(windows.swrMs, windows.staleIfErrorMs) <= 0) return 'ttl';
  const vary = parseVary(headValue(head.headers, 'vary'));
  if (plan.expectedVary !== undefined && !sameNames(vary, plan.expectedVary)) return 'vary-changed';
  const headers = [...storableHeaders(head.headers, ownHeaders(settings))];
  let etag = headValue(head.headers, 'etag');
  if (etag === undefined) {
    etag = computeEtag(body);
    headers.push(['etag', etag]);
  }
  return {
    status: head.status,
    headers,
    body,
    etag,
    storedAt,
    freshUntil: storedAt + fresh.freshMs,
    initialAge: fresh.initialAgeMs,
    swrMs: fresh.swrMs,
    staleIfErrorMs: fresh.staleIfErrorMs,
    tags: [...new Set([...plan.tags, ...runtimeTags])],
    vary,
    varySig: varySignature(vary, exchange.request),
  };
}

/** Whether a string has no lone surrogate (`String.prototype.isWellFormed`, Node ≥ 20). */
const wellFormed = (value: string): boolean =>
  (value as unknown as { isWellFormed(): boolean }).isWellFormed();

const ownHeadersCache = new WeakMap<CacheResponsesSettings, ReadonlySet<string>>();

/** Headers the cache itself adds, never stored. */
function ownHeaders(settings: CacheResponsesSettings): ReadonlySet<string> {
  let names = ownHeadersCache.get(settings);
  if (names === undefined) {
    names = new Set([
      'x-cache',
      'cache-status',
      ...(settings.tagHeader ? [settings.tagHeader.name.toLowerCase()] : []),
    ]);
    ownHeadersCache.set(settings, names);
  }
  return names;
}
