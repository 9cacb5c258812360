import { hashString } from '@tagcache/core';

/** Response headers: lower-case name → value (repeated fields as an array). */
export type HeaderMap = Readonly<Record<string, string | number | readonly string[] | undefined>>;

/** Header fields as name/value pairs, in sending order. */
export type HeaderList = ReadonlyArray<readonly [name: string, value: string]>;

/** What the framework was about to send when the response head was written. */
export interface ResponseHead {
  readonly status: number;
  /** Headers as set by the application, names in lower case (the cache's own not included). */
  readonly headers: HeaderMap;
}

/** A response as stored in the cache (serialized by the cache's serializer). */
export interface StoredResponse {
  /** Shape version. */
  readonly v: 1;
  readonly status: number;
  /** Headers to replay, hop-by-hop and per-message ones removed, names in lower case. */
  readonly headers: HeaderList;
  /** Body bytes exactly as sent (compressed when a compressor ran inside the cache). */
  readonly body: Uint8Array;
  /** The response's `ETag`, or one computed from the body. */
  readonly etag: string;
  /** Epoch ms at which it was stored. */
  readonly storedAt: number;
  /** Epoch ms until which it is fresh. */
  readonly freshUntil: number;
  /** Tags it was stored with (static, templated and added at run time). */
  readonly tags: readonly string[];
  /** The response's `Vary` names (sorted, lower case). */
  readonly vary: readonly string[];
  /** The producing request's {@link varySignature} for `vary`. */
  readonly varySig: string;
}

/** Hop-by-hop and per-message headers, never stored (RFC 9110 §7.6.1, RFC 9111 §3.1). */
const NOT_STORED = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'date',
  'age',
  'set-cookie',
]);

/** The headers of `head` worth storing, as a list (multi-valued ones joined by `, `). */
export function storableHeaders(headers: HeaderMap, exclude: ReadonlySet<string>): HeaderList {
  const connection = String(headers.connection ?? '')
    .toLowerCase()
    .split(',')
    .map((name) => name.trim());
  const list: (readonly [string, string])[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || NOT_STORED.has(name) || exclude.has(name) || connection.includes(name))
      continue;
    list.push([name, Array.isArray(value) ? value.join(', ') : String(value)]);
  }
  return list;
}

/**
 * A validator for a body without one: SHA-256 of its bytes. Weak, because a compressor
 * mounted outside the cache re-encodes the bytes it describes.
 */
export function computeEtag(body: Uint8Array): string {
  return `W/"${hashString(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1'))}"`;
}

/** Whether a value read from the cache is a stored response (and not a foreign or old shape). */
export function isStoredResponse(value: unknown): value is StoredResponse {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<StoredResponse>;
  return candidate.v === 1 && candidate.body instanceof Uint8Array && Array.isArray(candidate.headers);
}

/** One header of a stored response, or `undefined`. */
export function storedHeader(stored: StoredResponse, name: string): string | undefined {
  for (const [field, value] of stored.headers) if (field === name) return value;
  return undefined;
}

/** One header of a head as a single string. */
export function headValue(headers: HeaderMap, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}
