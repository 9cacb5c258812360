import { type CacheLogger, CacheUsageError } from '@tagcache/core';
import type { TagHeaderFormat } from './options.js';

/** Visible token characters of an HTTP field name (RFC 9110 §5.1). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The built-in tag header formats, by lower-case name. */
const TAG_HEADERS: ReadonlyMap<string, TagHeaderFormat> = new Map([
  ['cache-tag', { name: 'Cache-Tag', separator: ',' }],
  ['surrogate-key', { name: 'Surrogate-Key', separator: ' ' }],
  ['xkey', { name: 'xkey', separator: ' ' }],
]);

/** `value` as a boolean option (`undefined` gives `fallback`); anything else is a `CacheUsageError`. */
export function booleanOption(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw new CacheUsageError(`must be true or false, got ${show(value)}`, field);
  return value;
}

/** A positive finite number (`undefined` gives `fallback`); integers only when `integer`. */
export function positiveOption(value: unknown, field: string, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value <= 0 ||
    (integer && !Number.isInteger(value))
  )
    throw new CacheUsageError(
      `must be a positive ${integer ? 'integer' : 'number'}, got ${show(value)}`,
      field,
    );
  return value;
}

/** A list of HTTP field names (tokens), lower-cased; `[]` for none. */
export function fieldNamesOption(
  value: unknown,
  field: string,
  fallback: readonly string[],
): readonly string[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value))
    throw new CacheUsageError(`must be an array of header names, got ${show(value)}`, field);
  for (const name of value) {
    if (typeof name !== 'string' || !TOKEN.test(name))
      throw new CacheUsageError(`${show(name)} is not a header name`, field);
  }
  return Object.freeze((value as string[]).map((name) => name.toLowerCase()));
}

/** Statuses to store: an array of integers 100–599. */
export function statusesOption(value: unknown, fallback: readonly number[]): ReadonlySet<number> {
  if (value === undefined) return new Set(fallback);
  if (!Array.isArray(value))
    throw new CacheUsageError(
      `must be an array of status codes such as [200, 404], got ${show(value)}`,
      'statuses',
    );
  for (const status of value) {
    if (!Number.isInteger(status) || status < 100 || status > 599)
      throw new CacheUsageError(`${show(status)} is not an HTTP status code (100-599)`, 'statuses');
  }
  return new Set(value as number[]);
}

/**
 * The tag header format: `'Cache-Tag'`, `'Surrogate-Key'` or `'xkey'` (any letter case, as HTTP
 * field names are case-insensitive), a {@link TagHeaderFormat}, or `false` for none. Unset: the
 * cache's own (`fallback`, its first purger's), else `Cache-Tag`.
 */
export function tagHeaderOption(
  value: unknown,
  fallback: TagHeaderFormat | undefined,
): TagHeaderFormat | undefined {
  if (value === false) return undefined;
  if (value === undefined) return fallback ?? TAG_HEADERS.get('cache-tag');
  if (typeof value === 'string') {
    const known = TAG_HEADERS.get(value.toLowerCase());
    if (known === undefined)
      throw new CacheUsageError(
        `unknown tag header '${value}': use 'Cache-Tag', 'Surrogate-Key', 'xkey', { name, separator } or false`,
        'tagHeader',
      );
    return known;
  }
  const format = value as Partial<TagHeaderFormat> | null;
  if (
    typeof format !== 'object' ||
    format === null ||
    typeof format.name !== 'string' ||
    !TOKEN.test(format.name)
  )
    throw new CacheUsageError(
      `invalid tag header ${show(value)}: { name: a header name, separator }`,
      'tagHeader',
    );
  if (format.separator !== ',' && format.separator !== ' ')
    throw new CacheUsageError(
      `separator must be ',' or ' ', got ${show(format.separator)}`,
      'tagHeader.separator',
    );
  return { name: format.name, separator: format.separator };
}

/** The `Cache-Status` cache name: a token, or `false` for no header. */
export function cacheStatusOption(value: unknown): string | undefined {
  if (value === false) return undefined;
  if (value === undefined) return 'tagcache';
  if (typeof value !== 'string' || !TOKEN.test(value))
    throw new CacheUsageError(
      `must be a token such as "tagcache" or false, got ${show(value)}`,
      'cacheStatus',
    );
  return value;
}

/** A string option (`undefined` gives `fallback`). */
export function stringOption(value: unknown, field: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw new CacheUsageError(`must be a string, got ${show(value)}`, field);
  return value;
}

/** A logger: an object with `debug`, `info`, `warn` and `error` functions. */
export function loggerOption(value: unknown, fallback: CacheLogger): CacheLogger {
  if (value === undefined) return fallback;
  const logger = value as Partial<Record<keyof CacheLogger, unknown>> | null;
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    if (typeof logger !== 'object' || logger === null || typeof logger[level] !== 'function')
      throw new CacheUsageError(`must have debug, info, warn and error functions (no ${level})`, 'logger');
  }
  return value as CacheLogger;
}

/** A value as an error message shows it. */
export function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
