/**
 * How an entry is laid out in the backend. The header is ASCII with length-prefixed fields,
 * so that a Redis Lua script can read the tag names without a JSON or msgpack parser:
 *
 * ```
 * tc1:<tagCount>:{<nameBytes>:<name><versionBytes>:<version>}*<createdAt>:<freshUntil>:<staleUntil>:<serializerBytes>:<serializer><payload>
 * ```
 *
 * Times are milliseconds since the epoch. `payload` is the serializer's output, untouched.
 */

/** A tag name and the version it had when the entry's value was loaded. */
export interface TagStamp {
  readonly name: string;
  readonly version: string;
}

/** A decoded cache entry. */
export interface CacheEntry {
  readonly payload: Uint8Array;
  /** `Serializer.name` of the serializer that wrote `payload`. */
  readonly serializer: string;
  readonly tags: readonly TagStamp[];
  readonly createdAt: number;
  /** Until then the value is fresh. */
  readonly freshUntil: number;
  /** Until then the value may be served stale (grace); `freshUntil` when there is no grace. */
  readonly staleUntil: number;
}

const MAGIC = 'tc1:';
const COLON = 0x3a;

/** Encodes an entry to the bytes a backend stores. */
export function encodeEntry(entry: CacheEntry): Uint8Array {
  let header = `${MAGIC}${entry.tags.length}:`;
  for (const tag of entry.tags) {
    header += `${Buffer.byteLength(tag.name)}:${tag.name}${Buffer.byteLength(tag.version)}:${tag.version}`;
  }
  header += `${entry.createdAt}:${entry.freshUntil}:${entry.staleUntil}:${Buffer.byteLength(entry.serializer)}:${entry.serializer}`;
  const headerLength = Buffer.byteLength(header);
  const out = Buffer.allocUnsafe(headerLength + entry.payload.byteLength);
  out.write(header, 0, 'utf8');
  out.set(entry.payload, headerLength);
  return out;
}

/** Thrown by {@link decodeEntry} for bytes that are not an entry (corrupt or foreign data). */
export class MalformedEntryError extends Error {
  override readonly name = 'MalformedEntryError';
}

/** Decodes bytes written by {@link encodeEntry}; throws {@link MalformedEntryError} otherwise. */
export function decodeEntry(bytes: Uint8Array): CacheEntry {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader = new HeaderReader(buf);
  reader.expectMagic();
  const count = reader.number();
  const tags: TagStamp[] = new Array(count);
  for (let i = 0; i < count; i++) {
    tags[i] = { name: reader.string(), version: reader.string() };
  }
  const createdAt = reader.number();
  const freshUntil = reader.number();
  const staleUntil = reader.number();
  const serializer = reader.string();
  return { payload: buf.subarray(reader.offset), serializer, tags, createdAt, freshUntil, staleUntil };
}

/** Only the tag names of an encoded entry (what a backend's `getTagged` needs). */
export function entryTagNames(bytes: Uint8Array): string[] {
  return decodeEntry(bytes).tags.map((t) => t.name);
}

class HeaderReader {
  offset = 0;
  constructor(private readonly buf: Buffer) {}

  expectMagic(): void {
    if (this.buf.length < MAGIC.length || this.buf.toString('latin1', 0, MAGIC.length) !== MAGIC) {
      throw new MalformedEntryError('not a tagcache entry (bad magic)');
    }
    this.offset = MAGIC.length;
  }

  /** A decimal number terminated by ':'. */
  number(): number {
    const { buf } = this;
    let value = 0;
    let digits = 0;
    let i = this.offset;
    for (; i < buf.length; i++) {
      const c = buf[i]!;
      if (c === COLON) break;
      if (c < 0x30 || c > 0x39 || digits > 15) throw new MalformedEntryError('malformed entry header');
      value = value * 10 + (c - 0x30);
      digits++;
    }
    if (i >= buf.length || digits === 0) throw new MalformedEntryError('truncated entry header');
    this.offset = i + 1;
    return value;
  }

  /** A length-prefixed UTF-8 string. */
  string(): string {
    const length = this.number();
    const end = this.offset + length;
    if (end > this.buf.length) throw new MalformedEntryError('truncated entry header');
    const value = this.buf.toString('utf8', this.offset, end);
    this.offset = end;
    return value;
  }
}
