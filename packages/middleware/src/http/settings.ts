import {
  type CacheLogger,
  type CacheService,
  type CacheSource,
  CacheUsageError,
  type GetOrSetOptions,
  silentLogger,
  toMilliseconds,
} from '@tagcache/core';
import { everyKeyOf, refuseUnknownKeys } from '@tagcache/core/backend';
import { defaultKey } from './cache-key.js';
import { compileTemplate, templateReadsHeader } from './key-template.js';
import {
  booleanOption,
  cacheStatusOption,
  fieldNamesOption,
  loggerOption,
  positiveOption,
  statusesOption,
  stringOption,
  tagHeaderOption,
} from './option-checks.js';
import { type CacheResponsesOptions, DEFAULT_STATUSES, type TagHeaderFormat } from './options.js';
import type { RequestInfo } from './request-info.js';
import type { HeaderList } from './stored-response.js';

/** Options validated and compiled once, when the middleware is created. */
export interface CacheResponsesSettings {
  readonly cache: CacheService;
  readonly ttlMs: number;
  readonly ttlFromResponse: boolean;
  /** Targeted cache-control field names, lower case, in precedence order (RFC 9213). */
  readonly targetedFields: readonly string[];
  readonly key: (request: RequestInfo, native: unknown) => string;
  readonly tags: (request: RequestInfo, native: unknown) => readonly string[];
  readonly statuses: ReadonlySet<number>;
  readonly maxBodySize: number;
  readonly swrMs: number;
  readonly staleIfErrorMs: number;
  readonly allowAuthorization: boolean;
  readonly allowCookies: boolean;
  readonly tagHeader: TagHeaderFormat | undefined;
  readonly tagHeaderLimit: number;
  readonly maxKeyLength: number;
  readonly keyPrefix: string;
  readonly cacheStatus: string | undefined;
  readonly xCache: boolean;
  readonly logger: CacheLogger;
  /** `getOrSet` options without the tags, built once. */
  readonly lookupOptions: { readonly ttl: number; readonly grace?: number; readonly refresh: 'caller' };
  /** Per-middleware memos of the hit path (see `tag-fields.ts` and `engine.ts`). */
  readonly memo: HitMemo;
}

/** What requests reuse: the last clean tag header, and the last `getOrSet` options. */
export interface HitMemo {
  tags: readonly string[] | undefined;
  fields: HeaderList;
  /** The `getOrSet` options last built, and the tag list and source they hold. */
  optionTags: readonly string[] | undefined;
  optionSource: CacheSource | undefined;
  /** The metrics source last used, and every one built, by method and route template. */
  source: (CacheSource & { readonly kind: 'http' }) | undefined;
  readonly sources: Map<string, Map<string, CacheSource & { readonly kind: 'http' }>>;
  options: GetOrSetOptions;
  /** A fresh hit's outcome headers, and the age and TTL (seconds) they state. */
  hit: { readonly age: number; readonly ttl: number; readonly headers: HeaderList } | undefined;
}

/** Default `tagHeaderLimit`: keeps the whole head under nginx's 4 KiB proxy buffer and Node's 16 KiB. */
export const DEFAULT_TAG_HEADER_LIMIT = 2048;

/** Every option `cacheResponses` takes (anything else is a typo, refused). */
const OPTIONS = everyKeyOf<CacheResponsesOptions>()([
  ...(['cache', 'ttl', 'ttlFromResponse', 'targetedFields', 'key', 'tags', 'statuses'] as const),
  ...(['maxBodySize', 'swr', 'staleIfError', 'allowAuthorization', 'allowCookies'] as const),
  ...(['tagHeader', 'tagHeaderLimit', 'maxKeyLength', 'keyPrefix', 'cacheStatus', 'xCache'] as const),
  'logger',
]);

/** Validates options; throws a `CacheUsageError` naming the field for bad ones. */
export function resolveSettings<Native>(options: CacheResponsesOptions<Native>): CacheResponsesSettings {
  if (
    options === null ||
    typeof options !== 'object' ||
    typeof (options.cache as Partial<CacheService> | undefined)?.getOrSetReport !== 'function'
  ) {
    throw new CacheUsageError('cacheResponses needs { cache } (a CacheService)', 'cache');
  }
  refuseUnknownKeys(options, OPTIONS, 'cacheResponses', 'options');
  const keyOption = options.key;
  const allowAuthorization = booleanOption(options.allowAuthorization, 'allowAuthorization', false);
  const allowCookies = booleanOption(options.allowCookies, 'allowCookies', false);
  if (typeof keyOption === 'string') {
    requireKeyHeader(allowAuthorization, keyOption, 'authorization', 'allowAuthorization');
    requireKeyHeader(allowCookies, keyOption, 'cookie', 'allowCookies');
  } else if (keyOption === undefined && (allowAuthorization || allowCookies)) {
    throw new CacheUsageError(
      'a route that caches requests with credentials needs a key that includes them',
      allowAuthorization ? 'allowAuthorization' : 'allowCookies',
    );
  }
  const ttlFromResponse = booleanOption(options.ttlFromResponse, 'ttlFromResponse', false);
  const ttlMs = ttlOption(options.ttl, ttlFromResponse);
  const swrMs = options.swr === undefined ? 0 : toMilliseconds(options.swr, 'swr', true);
  const staleIfErrorMs =
    options.staleIfError === undefined ? 0 : toMilliseconds(options.staleIfError, 'staleIfError', true);
  const graceMs = Math.max(swrMs, staleIfErrorMs);
  return {
    cache: options.cache,
    ttlMs,
    ttlFromResponse,
    targetedFields: fieldNamesOption(options.targetedFields, 'targetedFields', ['cdn-cache-control']),
    key: compileKey(keyOption),
    tags: compileTags(options.tags),
    statuses: statusesOption(options.statuses, DEFAULT_STATUSES),
    maxBodySize: positiveOption(options.maxBodySize, 'maxBodySize', 1024 * 1024, true),
    swrMs,
    staleIfErrorMs,
    allowAuthorization,
    allowCookies,
    tagHeader: tagHeaderOption(options.tagHeader, options.cache.tagHeader),
    tagHeaderLimit: positiveOption(options.tagHeaderLimit, 'tagHeaderLimit', DEFAULT_TAG_HEADER_LIMIT, true),
    maxKeyLength: positiveOption(options.maxKeyLength, 'maxKeyLength', 200, true),
    keyPrefix: stringOption(options.keyPrefix, 'keyPrefix', 'http:'),
    cacheStatus: cacheStatusOption(options.cacheStatus),
    xCache: booleanOption(options.xCache, 'xCache', true),
    logger: loggerOption(options.logger, silentLogger),
    lookupOptions: {
      // `ttl: 0` (no heuristic freshness): every stored response sets its own TTL.
      ttl: Math.max(ttlMs, 1000) / 1000,
      // With ttlFromResponse a response may give itself a stale window: reads must see it.
      ...(graceMs > 0 || ttlFromResponse ? { grace: Math.max(graceMs, 1) / 1000 } : {}),
      refresh: 'caller',
    },
    memo: {
      tags: undefined,
      fields: [],
      optionTags: undefined,
      optionSource: undefined,
      source: undefined,
      sources: new Map(),
      options: {},
      hit: undefined,
    },
  };
}

/** `ttl` in ms: positive; `0` (no heuristic freshness) only with `ttlFromResponse`. */
function ttlOption(ttl: CacheResponsesOptions['ttl'], ttlFromResponse: boolean): number {
  if (ttl === 0 && !ttlFromResponse)
    throw new CacheUsageError(
      'ttl: 0 (store only responses with explicit freshness) needs ttlFromResponse: true',
      'ttl',
    );
  return toMilliseconds(ttl ?? 60, 'ttl', ttlFromResponse);
}

function requireKeyHeader(allowed: boolean, template: string, header: string, field: string): void {
  if (allowed && !templateReadsHeader(template, header)) {
    throw new CacheUsageError(`${field} needs a key that includes {headers.${header}}`, field);
  }
}

function compileKey<Native>(
  key: CacheResponsesOptions<Native>['key'],
): (request: RequestInfo, native: unknown) => string {
  if (key === undefined) return defaultKey;
  if (typeof key === 'function') {
    if (isAsync(key))
      throw new CacheUsageError('the key function must be synchronous (return a string)', 'key');
    return key as (request: RequestInfo, native: unknown) => string;
  }
  if (typeof key !== 'string' || key === '')
    throw new CacheUsageError('key must be a template or a function', 'key');
  return compileTemplate(key, 'key', true);
}

function compileTags<Native>(
  tags: CacheResponsesOptions<Native>['tags'],
): (request: RequestInfo, native: unknown) => readonly string[] {
  if (tags === undefined) return () => [];
  if (typeof tags === 'function') {
    if (isAsync(tags))
      throw new CacheUsageError('the tags function must be synchronous (return an array)', 'tags');
    return tags as (request: RequestInfo, native: unknown) => readonly string[];
  }
  if (!Array.isArray(tags))
    throw new CacheUsageError('tags must be an array of strings or a function', 'tags');
  const compiled = tags.map((tag) => {
    if (typeof tag !== 'string' || tag === '')
      throw new CacheUsageError('every tag must be a non-empty string', 'tags');
    return compileTemplate(tag, 'tags', false);
  });
  if (tags.every((tag) => !tag.includes('{'))) {
    const constant: readonly string[] = Object.freeze([...(tags as string[])]);
    return () => constant;
  }
  return (request) => compiled.map((template) => template(request));
}

/** An `async function`: its result is always a Promise. */
function isAsync(fn: (...args: never[]) => unknown): boolean {
  return fn.constructor?.name === 'AsyncFunction';
}
