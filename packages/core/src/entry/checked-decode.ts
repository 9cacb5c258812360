import { type CacheEntry, MalformedEntryError, type TagStamp } from './entry-codec.js';

/** {@link decodeChecked}: a stamped version differs from the current one (or it is missing). */
export const TAGS_CHANGED: unique symbol = Symbol('tags changed');
/** {@link decodeChecked}: the header names other tags than expected (decode it fully). */
export const OTHER_TAGS: unique symbol = Symbol('other tags');

const MAGIC = [0x74, 0x63, 0x31, 0x3a]; // 'tc1:'
const COLON = 0x3a;

/**
 * Where {@link decodeChecked} reads (module state rather than a closure per call: a decode is
 * synchronous and never nested).
 */
let at = 0;

/**
 * Decodes an entry read together with the current versions of the tags it is expected to carry
 * (a network backend's answer to a tag-name hint), comparing in place: the header's tag names
 * against `names`, each stamped version's bytes against `versions[i]`, the serializer's name
 * against `serializer`. No string is made for a name, a version or the serializer; the entry's
 * `tags` are built only if somebody reads them (the L1, `getOrSet`'s flights).
 *
 * Returns the entry, {@link TAGS_CHANGED} when a version differs or is missing (a miss), or
 * {@link OTHER_TAGS} when the header names other tags (decode it with `decodeEntry`). Throws
 * {@link MalformedEntryError} for bytes that are not an entry.
 */
export function decodeChecked(
  bytes: Uint8Array,
  names: readonly string[],
  versions: readonly (Uint8Array | undefined)[],
  serializer: string,
): CacheEntry | typeof TAGS_CHANGED | typeof OTHER_TAGS {
  const buf = bytes;
  const end = buf.length;
  if (end < 4 || buf[0] !== MAGIC[0] || buf[1] !== MAGIC[1] || buf[2] !== MAGIC[2] || buf[3] !== MAGIC[3]) {
    throw new MalformedEntryError('not a tagcache entry (bad magic)');
  }
  at = 4;
  if (decimal(buf, end) !== names.length) return OTHER_TAGS;
  let changed = false;
  for (let t = 0; t < names.length; t++) {
    const nameLength = decimal(buf, end);
    if (at + nameLength > end) throw new MalformedEntryError('truncated entry header');
    if (!spells(buf, at, nameLength, names[t]!)) return OTHER_TAGS;
    at += nameLength;
    const versionLength = decimal(buf, end);
    if (at + versionLength > end) throw new MalformedEntryError('truncated entry header');
    // Keep reading the names: another tag list is a different answer (decode fully) than a change.
    if (!changed && !sameBytes(buf, at, versionLength, versions[t])) changed = true;
    at += versionLength;
  }
  if (changed) return TAGS_CHANGED;
  const createdAt = decimal(buf, end);
  const freshUntil = decimal(buf, end);
  const staleUntil = decimal(buf, end);
  const serializerLength = decimal(buf, end);
  if (at + serializerLength > end) throw new MalformedEntryError('truncated entry header');
  const written = spells(buf, at, serializerLength, serializer)
    ? serializer
    : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8', at, at + serializerLength);
  at += serializerLength;
  return new CheckedEntry(buf.subarray(at), written, names, versions, createdAt, freshUntil, staleUntil);
}

/** The decimal number terminated by ':' at {@link at}, which moves past the ':'. */
function decimal(buf: Uint8Array, end: number): number {
  let value = 0;
  let digits = 0;
  let i = at;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c === COLON) break;
    if (c < 0x30 || c > 0x39 || digits > 15) throw new MalformedEntryError('malformed entry header');
    value = value * 10 + (c - 0x30);
    digits++;
  }
  if (i >= end || digits === 0) throw new MalformedEntryError('truncated entry header');
  at = i + 1;
  return value;
}

/** An entry whose stamps are the expected names with the versions read: built on demand. */
class CheckedEntry implements CacheEntry {
  #tags: TagStamp[] | undefined;
  constructor(
    readonly payload: Uint8Array,
    readonly serializer: string,
    private readonly names: readonly string[],
    private readonly versions: readonly (Uint8Array | undefined)[],
    readonly createdAt: number,
    readonly freshUntil: number,
    readonly staleUntil: number,
  ) {}

  get tags(): readonly TagStamp[] {
    if (this.#tags === undefined) {
      const tags: TagStamp[] = new Array(this.names.length);
      for (let i = 0; i < tags.length; i++) {
        const version = this.versions[i]!;
        tags[i] = {
          name: this.names[i]!,
          version: Buffer.from(version.buffer, version.byteOffset, version.byteLength).toString('utf8'),
        };
      }
      this.#tags = tags;
    }
    return this.#tags;
  }
}

/** Whether `buf[at, at + length)` is the UTF-8 encoding of `text`. */
function spells(buf: Uint8Array, at: number, length: number, text: string): boolean {
  // UTF-8 is never shorter than UTF-16, and as long only for ASCII.
  if (length === text.length) {
    for (let i = 0; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c > 0x7f || buf[at + i] !== c) return false;
    }
    return true;
  }
  if (length < text.length) return false;
  const encoded = Buffer.from(text, 'utf8'); // not ASCII (rare for tag names)
  return sameBytes(buf, at, length, encoded);
}

function sameBytes(buf: Uint8Array, at: number, length: number, other: Uint8Array | undefined): boolean {
  if (other === undefined || other.length !== length) return false;
  for (let i = 0; i < length; i++) if (buf[at + i] !== other[i]) return false;
  return true;
}
