import { CacheUsageError, type Duration, toMilliseconds } from '@tagcache/core';

/** Options every purger takes. */
export interface PurgerBaseOptions {
  /** Name in events and logs. Default the vendor's (`'varnish'`, `'fastly'`, `'cloudflare'`). */
  readonly name?: string;
  /** Longest a purge request may take before it counts as a network failure (and is retried). Default 10 s. */
  readonly timeout?: Duration;
}

/** Default request timeout. */
const TIMEOUT_MS = 10_000;

/** The request timeout in milliseconds (throws a `CacheUsageError` naming `timeout`). */
export function timeoutMs(options: PurgerBaseOptions): number {
  return options.timeout === undefined ? TIMEOUT_MS : toMilliseconds(options.timeout, 'timeout');
}

/** The purger's name: `options.name` or `fallback`. */
export function purgerName(options: PurgerBaseOptions, fallback: string): string {
  if (options.name === undefined) return fallback;
  if (typeof options.name !== 'string' || options.name === '')
    throw new CacheUsageError('expected a non-empty string', 'name');
  return options.name;
}

/** Throws unless `options` is an object (the factories' first check). */
export function requireOptions(options: unknown, example: string): void {
  if (options === null || typeof options !== 'object') {
    throw new CacheUsageError(`expected an options object, e.g. ${example}`, 'options');
  }
}

/**
 * A credential: a non-empty string that fits in a header (no CR, LF or other control
 * characters). The message never repeats it.
 */
export function requireSecret(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '' || !/^[\x20-\x7e]+$/.test(value)) {
    throw new CacheUsageError(
      'expected a non-empty string of printable ASCII (the value is not shown)',
      field,
    );
  }
  return value;
}

/** An identifier that goes into a URL path (service or zone id). */
export function requireId(value: unknown, field: string): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]+$/.test(value)) {
    throw new CacheUsageError('expected an id of letters, digits, - and _', field);
  }
  return value;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A base URL: `https:`, or `http:` on a loopback host only (so an API token never crosses a
 * network in clear text).
 */
export function requireApiBase(value: unknown, field: string): URL {
  const url = parseUrl(value, field);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url))) {
    throw new CacheUsageError('expected an https: URL (http: only on a loopback host)', field);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new CacheUsageError('expected a URL without credentials, query or fragment', field);
  }
  return url;
}

/** `path` (starting with `/`) under `base`'s path. */
export function apiUrl(base: URL, path: string): URL {
  return new URL(base.pathname.replace(/\/+$/, '') + path, base.origin);
}

/** An `http:` or `https:` URL. */
export function parseUrl(value: unknown, field: string): URL {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    // The value is not repeated: it may hold credentials.
    throw new CacheUsageError('expected an http(s) URL such as http://127.0.0.1:6081/', field);
  }
  if (typeof value !== 'string' || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new CacheUsageError('expected an http: or https: URL', field);
  }
  return url;
}

function isLoopback(url: URL): boolean {
  return LOOPBACK.has(url.hostname) || url.hostname.startsWith('127.');
}
