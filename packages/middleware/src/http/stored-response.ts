import { isUtf8 } from 'node:buffer';
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

/** A stored response, as the engine handles it (read from the cache, or about to be written). */
export interface StoredResponse {
  readonly status: number;
  /** Headers to replay, hop-by-hop and per-message ones removed, names in lower case. */
  readonly headers: HeaderList;
  /** Body bytes exactly as sent (compressed when a compressor ran inside the cache). */
  readonly body: Uint8Array;
  /**
   * The body as text when it is valid UTF-8 (set on responses read from the cache, whose
   * `body` bytes are only built from it when first asked for).
   */
  readonly text?: string;
  /** The response's `ETag`, or one computed from the body. */
  readonly etag: string;
  /** Epoch ms at which it was stored. */
  readonly storedAt: number;
  /** Epoch ms until which it is fresh. */
  readonly freshUntil: number;
  /**
   * Its age when stored, in ms (RFC 9111 §4.2.3 corrected initial age, with `ttlFromResponse`;
   * `0` otherwise): a hit's `Age` is this plus the time since `storedAt`.
   */
  readonly initialAge: number;
  /** Its own stale-while-revalidate window in ms (a response directive), else the route's applies. */
  readonly swrMs?: number | undefined;
  /** Its own stale-if-error window in ms (a response directive), else the route's applies. */
  readonly staleIfErrorMs?: number | undefined;
  /** Tags it was stored with (static, templated and added at run time). */
  readonly tags: readonly string[];
  /** The response's `Vary` names (sorted, lower case). */
  readonly vary: readonly string[];
  /** The producing request's {@link varySignature} for `vary`. */
  readonly varySig: string;
}

/**
 * A {@link StoredResponse} as the cache keeps it (serialized by the cache's serializer): the
 * body as a string, UTF-8 text when the bytes are valid UTF-8, base64 otherwise. Strings and
 * arrays only, so the JSON serializer reads an entry at `JSON.parse` speed; a `Uint8Array`
 * would make it revive every field of the entry on every hit.
 */
export interface StoredEntry extends Omit<StoredResponse, 'body' | 'initialAge'> {
  /** Absent from entries written before it existed (read as `0`). */
  readonly initialAge?: number;
  /** Shape version (1 held the body as a `Uint8Array`: such entries read as misses). */
  readonly v: 2;
  readonly body: string;
  readonly bodyEncoding: 'utf8' | 'base64';
}

/** The entry to write for a response. */
export function toStoredEntry(stored: StoredResponse): StoredEntry {
  const bytes = Buffer.from(stored.body.buffer, stored.body.byteOffset, stored.body.byteLength);
  const text = isUtf8(bytes);
  return {
    v: 2,
    status: stored.status,
    headers: stored.headers,
    body: bytes.toString(text ? 'utf8' : 'base64'),
    bodyEncoding: text ? 'utf8' : 'base64',
    etag: stored.etag,
    storedAt: stored.storedAt,
    freshUntil: stored.freshUntil,
    initialAge: stored.initialAge,
    ...(stored.swrMs === undefined ? {} : { swrMs: stored.swrMs }),
    ...(stored.staleIfErrorMs === undefined ? {} : { staleIfErrorMs: stored.staleIfErrorMs }),
    tags: stored.tags,
    vary: stored.vary,
    varySig: stored.varySig,
  };
}

/** The response held by a value read from the cache, or `undefined` for a foreign or old shape. */
export function fromStoredEntry(value: unknown): StoredResponse | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entry = value as Partial<StoredEntry>;
  if (entry.v !== 2 || typeof entry.body !== 'string' || !Array.isArray(entry.headers)) return undefined;
  if (entry.bodyEncoding !== 'utf8' && entry.bodyEncoding !== 'base64') return undefined;
  // Not memoized per value: a WeakMap entry per hit costs more (in GC) than this wrapper.
  return new ReadResponse(entry as StoredEntry);
}

/** A stored response as read: the bytes of a text body are built only if an adapter asks. */
class ReadResponse implements StoredResponse {
  readonly status: number;
  readonly headers: HeaderList;
  readonly text: string | undefined;
  readonly etag: string;
  readonly storedAt: number;
  readonly freshUntil: number;
  readonly initialAge: number;
  readonly swrMs: number | undefined;
  readonly staleIfErrorMs: number | undefined;
  readonly tags: readonly string[];
  readonly vary: readonly string[];
  readonly varySig: string;
  #body: Uint8Array | undefined;
  readonly #encoded: string;

  constructor(entry: StoredEntry) {
    this.status = entry.status;
    this.headers = entry.headers;
    this.text = entry.bodyEncoding === 'utf8' ? entry.body : undefined;
    this.etag = entry.etag;
    this.storedAt = entry.storedAt;
    this.freshUntil = entry.freshUntil;
    // Entries written before `initialAge` existed read as stored at age 0.
    this.initialAge = entry.initialAge ?? 0;
    this.swrMs = entry.swrMs;
    this.staleIfErrorMs = entry.staleIfErrorMs;
    this.tags = entry.tags;
    this.vary = entry.vary;
    this.varySig = entry.varySig;
    this.#encoded = entry.body;
  }

  get body(): Uint8Array {
    this.#body ??= Buffer.from(this.#encoded, this.text === undefined ? 'base64' : 'utf8');
    return this.#body;
  }
}

/**
 * Hop-by-hop and per-message headers, never stored (RFC 9110 §7.6.1, RFC 9111 §3.1); nor is
 * any `Proxy-*` field (`Proxy-Authentication-Info` and the like, §3.1).
 */
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
    if (
      value === undefined ||
      NOT_STORED.has(name) ||
      name.startsWith('proxy-') ||
      exclude.has(name) ||
      connection.includes(name)
    )
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
