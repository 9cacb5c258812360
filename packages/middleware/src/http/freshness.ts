import { httpDate } from './conditional.js';
import { type Directives, deltaDirective, parseDirectives, parseTargeted } from './directives.js';
import type { CacheResponsesSettings } from './settings.js';
import { type HeaderMap, headValue } from './stored-response.js';

/**
 * The cache policy a response gives this cache: its first targeted field with a valid,
 * non-empty value (RFC 9213 §2.2, in `targetedFields` order), else its `Cache-Control`.
 */
export interface ResponsePolicy {
  readonly directives: Directives | undefined;
  /** Read from a targeted field: `Cache-Control` and `Expires` are then ignored. */
  readonly targeted: boolean;
}

/** The policy of a response head (targeted fields are read only with `ttlFromResponse`). */
export function responsePolicy(headers: HeaderMap, settings: CacheResponsesSettings): ResponsePolicy {
  if (settings.ttlFromResponse) {
    for (const name of settings.targetedFields) {
      const directives = parseTargeted(headValue(headers, name));
      if (directives !== undefined) return { directives, targeted: true };
    }
  }
  return { directives: parseDirectives(headValue(headers, 'cache-control')), targeted: false };
}

/** How long a response may be served, as RFC 9111 §4.2 computes it when it is received. */
export interface Freshness {
  /** Fresh for this long from now: the freshness lifetime minus the current age (≤ 0: stale). */
  readonly freshMs: number;
  /** The corrected initial age (§4.2.3): what the response was already worth of age. */
  readonly initialAgeMs: number;
  /** `stale-while-revalidate` of the response (RFC 5861), when it gave a valid one. */
  readonly swrMs: number | undefined;
  /** `stale-if-error` of the response (RFC 5861), when it gave a valid one. */
  readonly staleIfErrorMs: number | undefined;
}

/**
 * The freshness of a response received at `responseTime` for a request made at `requestTime`
 * (epoch ms). The lifetime is `s-maxage`, else `max-age`, else `Expires` − `Date` (§4.2.1),
 * else the route's `ttl` as the heuristic lifetime (§4.2.2; `ttl: 0` gives none). A present
 * but invalid value (negative, quoted, duplicated, an unparsable `Expires`) means stale. The
 * current age counts the received `Age` and the time the response took (§4.2.3).
 */
export function responseFreshness(
  headers: HeaderMap,
  policy: ResponsePolicy,
  settings: CacheResponsesSettings,
  requestTime: number,
  responseTime: number,
): Freshness {
  const { directives } = policy;
  const dateMs = dateValue(headers);
  const lifetimeMs = lifetime(headers, policy, dateMs, responseTime, settings.ttlMs);
  const age = ageValue(headers);
  const apparentAge = dateMs === undefined ? 0 : Math.max(0, responseTime - dateMs);
  const correctedAge = (age ?? 0) * 1000 + Math.max(0, responseTime - requestTime);
  const initialAgeMs = Math.max(apparentAge, correctedAge);
  // must-revalidate / proxy-revalidate (§5.2.2.2, §5.2.2.8): never stale in the route's windows;
  // only in windows the response itself gives.
  const revalidate = directives?.has('must-revalidate') || directives?.has('proxy-revalidate');
  const none = revalidate ? 0 : undefined;
  return {
    freshMs: age === null ? 0 : lifetimeMs - initialAgeMs,
    initialAgeMs,
    swrMs: windowMs(directives, 'stale-while-revalidate') ?? none,
    staleIfErrorMs: windowMs(directives, 'stale-if-error') ?? none,
  };
}

function lifetime(
  headers: HeaderMap,
  policy: ResponsePolicy,
  dateMs: number | undefined,
  responseTime: number,
  heuristicMs: number,
): number {
  const shared = deltaDirective(policy.directives, 's-maxage');
  const explicit = shared === undefined ? deltaDirective(policy.directives, 'max-age') : shared;
  if (explicit === null) return 0;
  if (explicit !== undefined) return explicit * 1000;
  const expires = policy.targeted ? undefined : headers.expires;
  if (expires === undefined) return heuristicMs;
  // Two Expires fields, or one that is no HTTP-date (`0`, `-1`), mean already expired (§5.3).
  const expiresMs = typeof expires === 'string' ? httpDate(expires.trim()) : undefined;
  if (expiresMs === undefined) return 0;
  return expiresMs - (dateMs ?? responseTime);
}

/** The response's `Date`, when it is a valid HTTP-date (otherwise the receipt time stands in). */
function dateValue(headers: HeaderMap): number | undefined {
  const date = headers.date;
  return typeof date === 'string' ? httpDate(date.trim()) : undefined;
}

/** `Age` in seconds: `undefined` when absent, `null` when invalid (then the response is stale). */
function ageValue(headers: HeaderMap): number | null | undefined {
  const age = headers.age;
  if (age === undefined) return undefined;
  const text = String(age).trim();
  return /^\d+$/.test(text) ? Math.min(Number(text), 2_147_483_648) : null;
}

/** A stale window directive in ms; an invalid one gives none (`0`). */
function windowMs(directives: Directives | undefined, name: string): number | undefined {
  const seconds = deltaDirective(directives, name);
  return seconds === undefined ? undefined : (seconds ?? 0) * 1000;
}

/**
 * The freshness of a response about to be stored: {@link responseFreshness} with
 * `ttlFromResponse`, else the route's fixed `ttl` from now (the default mode).
 */
export function storedFreshness(
  headers: HeaderMap,
  settings: CacheResponsesSettings,
  requestTime: number,
  responseTime: number,
): Freshness {
  if (!settings.ttlFromResponse)
    return { freshMs: settings.ttlMs, initialAgeMs: 0, swrMs: undefined, staleIfErrorMs: undefined };
  const policy = responsePolicy(headers, settings);
  return responseFreshness(headers, policy, settings, requestTime, responseTime);
}

/** The stale windows of a stored response: its own directives, else the route's options. */
export function staleWindows(
  stored: { readonly swrMs?: number | undefined; readonly staleIfErrorMs?: number | undefined },
  settings: CacheResponsesSettings,
): { readonly swrMs: number; readonly staleIfErrorMs: number } {
  return {
    swrMs: stored.swrMs ?? settings.swrMs,
    staleIfErrorMs: stored.staleIfErrorMs ?? settings.staleIfErrorMs,
  };
}

/** A stored lifetime in seconds for `setTtl`; `undefined` when it is the route's own. */
function ttlSeconds(ttlMs: number, settings: CacheResponsesSettings): number | undefined {
  return ttlMs === settings.lookupOptions.ttl * 1000 ? undefined : ttlMs / 1000;
}

/**
 * The TTL and grace (seconds) to store a response with, where they differ from the route's
 * `getOrSet` options. A response already stale with a stale window is stored with a TTL of 0
 * (never a fresh hit, served stale in its window while a request refreshes it); without a
 * window, for 1 ms (the caller only stores such a response when it has a window).
 */
export function storedLifetime(
  stored: {
    readonly storedAt: number;
    readonly freshUntil: number;
    readonly swrMs?: number | undefined;
    readonly staleIfErrorMs?: number | undefined;
  },
  settings: CacheResponsesSettings,
): { readonly ttl: number | undefined; readonly grace: number | undefined } {
  const lifetimeMs = stored.freshUntil - stored.storedAt;
  if (!settings.ttlFromResponse)
    return { ttl: ttlSeconds(Math.max(1, lifetimeMs), settings), grace: undefined };
  const windows = staleWindows(stored, settings);
  const graceMs = Math.max(windows.swrMs, windows.staleIfErrorMs);
  // Born stale with a stale window: fresh for no time at all. A lifetime of 1 ms let a request
  // in the same millisecond take it for fresh, served stale with no refresh started.
  const ttlMs = lifetimeMs <= 0 && graceMs > 0 ? 0 : Math.max(1, lifetimeMs);
  return { ttl: ttlSeconds(ttlMs, settings), grace: graceMs / 1000 };
}
