import {
  type CacheLogger,
  type CacheService,
  type CacheSource,
  CacheUsageError,
  type GetOrSetOptions,
  silentLogger,
  toMilliseconds,
} from '@tagcache/core';
import { defaultKey } from './cache-key.js';
import { compileTemplate, templateReadsHeader } from './key-template.js';
import { type CacheResponsesOptions, DEFAULT_STATUSES, type TagHeaderFormat } from './options.js';
import type { RequestInfo } from './request-info.js';
import type { HeaderList } from './stored-response.js';

/** Options validated and compiled once, when the middleware is created. */
export interface ResolvedSettings {
  readonly cache: CacheService;
  readonly ttlMs: number;
  readonly ttlFromResponse: boolean;
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
  /**
   * Entries this middleware's handlers just produced. A request handed one of them by
   * `getOrSet` waited on another request's load (`collapsed`), rather than reading the cache.
   */
  readonly loaded: WeakSet<object>;
}

const TAG_HEADERS: Record<string, TagHeaderFormat> = {
  'Cache-Tag': { name: 'Cache-Tag', separator: ',' },
  'Surrogate-Key': { name: 'Surrogate-Key', separator: ' ' },
  xkey: { name: 'xkey', separator: ' ' },
};

/** Validates options; throws a `CacheUsageError` naming the field for bad ones. */
export function resolveSettings<Native>(options: CacheResponsesOptions<Native>): ResolvedSettings {
  if (options === null || typeof options !== 'object' || options.cache === undefined) {
    throw new CacheUsageError('cacheResponses needs { cache } (a CacheService)', 'cache');
  }
  const keyOption = options.key;
  const allowAuthorization = options.allowAuthorization === true;
  const allowCookies = options.allowCookies === true;
  if (typeof keyOption === 'string') {
    requireKeyHeader(allowAuthorization, keyOption, 'authorization', 'allowAuthorization');
    requireKeyHeader(allowCookies, keyOption, 'cookie', 'allowCookies');
  } else if (keyOption === undefined && (allowAuthorization || allowCookies)) {
    throw new CacheUsageError(
      'a route that caches requests with credentials needs a key that includes them',
      allowAuthorization ? 'allowAuthorization' : 'allowCookies',
    );
  }
  const tagHeader =
    options.tagHeader === false
      ? undefined
      : typeof options.tagHeader === 'string'
        ? TAG_HEADERS[options.tagHeader]
        : (options.tagHeader ?? options.cache.tagHeader ?? TAG_HEADERS['Cache-Tag']);
  if (tagHeader !== undefined && !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(tagHeader.name)) {
    throw new CacheUsageError(`invalid tag header name '${String(tagHeader.name)}'`, 'tagHeader');
  }
  if (options.cacheStatus !== undefined && options.cacheStatus !== false) {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(options.cacheStatus)) {
      throw new CacheUsageError('cacheStatus must be a token such as "tagcache"', 'cacheStatus');
    }
  }
  const ttlMs = toMilliseconds(options.ttl ?? 60, 'ttl');
  const swrMs = options.swr === undefined ? 0 : toMilliseconds(options.swr, 'swr', true);
  const staleIfErrorMs =
    options.staleIfError === undefined ? 0 : toMilliseconds(options.staleIfError, 'staleIfError', true);
  const graceMs = Math.max(swrMs, staleIfErrorMs);
  return {
    cache: options.cache,
    ttlMs,
    ttlFromResponse: options.ttlFromResponse === true,
    key: compileKey(keyOption),
    tags: compileTags(options.tags),
    statuses: new Set(options.statuses ?? DEFAULT_STATUSES),
    maxBodySize: positive(options.maxBodySize ?? 1024 * 1024, 'maxBodySize'),
    swrMs,
    staleIfErrorMs,
    allowAuthorization,
    allowCookies,
    tagHeader,
    tagHeaderLimit: positive(options.tagHeaderLimit ?? 16 * 1024, 'tagHeaderLimit'),
    maxKeyLength: positive(options.maxKeyLength ?? 200, 'maxKeyLength'),
    keyPrefix: options.keyPrefix ?? 'http:',
    cacheStatus: options.cacheStatus === false ? undefined : (options.cacheStatus ?? 'tagcache'),
    xCache: options.xCache !== false,
    logger: options.logger ?? silentLogger,
    lookupOptions: {
      ttl: ttlMs / 1000,
      ...(graceMs > 0 ? { grace: graceMs / 1000 } : {}),
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
      loaded: new WeakSet(),
    },
  };
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
  if (typeof key === 'function') return key as (request: RequestInfo, native: unknown) => string;
  if (typeof key !== 'string' || key === '')
    throw new CacheUsageError('key must be a template or a function', 'key');
  return compileTemplate(key, 'key', true);
}

function compileTags<Native>(
  tags: CacheResponsesOptions<Native>['tags'],
): (request: RequestInfo, native: unknown) => readonly string[] {
  if (tags === undefined) return () => [];
  if (typeof tags === 'function') return tags as (request: RequestInfo, native: unknown) => readonly string[];
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

function positive(value: number, field: string): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new CacheUsageError(`${field} must be a positive number`, field);
  return value;
}
