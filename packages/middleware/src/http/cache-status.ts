import type { CacheResponsesSettings } from './settings.js';
import type { HeaderList } from './stored-response.js';

/** How a request was answered, for `X-Cache` and `Cache-Status` (RFC 9211). */
export type Outcome =
  | { readonly kind: 'hit'; readonly ttlMs: number; readonly ageMs: number; readonly collapsed?: boolean }
  | {
      readonly kind: 'stale';
      readonly ttlMs: number;
      readonly ageMs: number;
      readonly detail: 'stale-while-revalidate' | 'stale-if-error';
    }
  | { readonly kind: 'miss'; readonly fwd: 'uri-miss' | 'vary-miss' | 'stale'; readonly detail?: string }
  | { readonly kind: 'bypass'; readonly fwd: 'bypass' | 'method' | 'request'; readonly detail?: string };

/**
 * `X-Cache`, `Cache-Status` and (for stored copies) `Age` for an outcome, as configured. A
 * fresh hit's list is reused while its age and TTL in seconds stay the same (the list is
 * never changed by its users).
 */
export function outcomeHeaders(settings: CacheResponsesSettings, outcome: Outcome): HeaderList {
  if (outcome.kind !== 'hit' || outcome.collapsed === true) return buildHeaders(settings, outcome);
  const age = Math.max(0, Math.floor(outcome.ageMs / 1000));
  const ttl = Math.floor(outcome.ttlMs / 1000);
  const last = settings.memo.hit;
  if (last !== undefined && last.age === age && last.ttl === ttl) return last.headers;
  const headers = buildHeaders(settings, outcome);
  settings.memo.hit = { age, ttl, headers };
  return headers;
}

function buildHeaders(settings: CacheResponsesSettings, outcome: Outcome): HeaderList {
  const headers: (readonly [string, string])[] = [];
  const served = outcome.kind === 'hit' || outcome.kind === 'stale';
  if (served) headers.push(['age', String(Math.max(0, Math.floor(outcome.ageMs / 1000)))]);
  if (settings.xCache) {
    headers.push(['x-cache', outcome.kind === 'stale' ? 'STALE' : served ? 'HIT' : 'MISS']);
  }
  if (settings.cacheStatus !== undefined)
    headers.push(['cache-status', cacheStatus(settings.cacheStatus, outcome)]);
  return headers;
}

function cacheStatus(name: string, outcome: Outcome): string {
  switch (outcome.kind) {
    case 'hit':
      return outcome.collapsed
        ? `${name}; fwd=uri-miss; collapsed`
        : `${name}; hit; ttl=${Math.floor(outcome.ttlMs / 1000)}`;
    case 'stale':
      return `${name}; hit; ttl=${Math.floor(outcome.ttlMs / 1000)}; detail=${outcome.detail}`;
    case 'miss':
    case 'bypass':
      return outcome.detail === undefined
        ? `${name}; fwd=${outcome.fwd}`
        : `${name}; fwd=${outcome.fwd}; detail=${outcome.detail}`;
  }
}
