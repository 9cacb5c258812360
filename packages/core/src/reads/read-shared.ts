import type { CacheCore, ReadOutcome } from '../cache-core.js';
import { MISS } from '../cache-core.js';
import { decodeChecked, OTHER_TAGS, TAGS_CHANGED } from '../entry/checked-decode.js';
import { type CacheEntry, decodeEntry } from '../entry/entry-codec.js';
import { CacheError } from '../errors.js';
import { sameNames } from '../tags/tag-hints.js';
import { TagVersions } from '../tags/tag-versions.js';
import type { CacheOperation } from '../types/events.js';

/**
 * A read the in-process tier could not answer: from the backend (the L2 behind an L1), with the
 * entry's tag versions read in the same round trip when the backend can. A current entry fills
 * the L1, unless something changed while the read ran (see `L1Tier.epoch`).
 */
export async function readShared(
  core: CacheCore,
  fullKey: string,
  operation: CacheOperation,
  acceptStale: boolean,
  tags: readonly string[] | undefined,
): Promise<ReadOutcome> {
  const backend = core.backend;
  const hints = core.hints;
  const epoch = core.l1?.epoch ?? 0;
  let bytes: Uint8Array;
  let tagVersions: readonly (Uint8Array | undefined)[] | undefined;
  let tagNames: readonly string[] | undefined;
  const started = core.startCall();
  if (backend.getTagged) {
    const read = await backend.getTagged(fullKey, core.tags.keyPrefix, hints?.get(fullKey) ?? tags);
    if (started >= 0) core.endCall('get', started, read.ok);
    if (!read.ok) return core.failedRead(read.error, operation, fullKey);
    if (read.value === undefined) return MISS;
    bytes = read.value.entry;
    tagVersions = read.value.tagVersions;
    tagNames = read.value.tagNames;
  } else {
    const read = await backend.get(fullKey);
    if (started >= 0) core.endCall('get', started, read.ok);
    if (!read.ok) return core.failedRead(read.error, operation, fullKey);
    if (read.value === undefined) return MISS;
    bytes = read.value;
  }

  let entry: CacheEntry | undefined = core.decoded?.get(bytes);
  let checked = false;
  try {
    if (entry === undefined && tagNames !== undefined) {
      // The usual network hit: names as hinted, versions compared in place, no strings made.
      const decoded = decodeChecked(bytes, tagNames, tagVersions!, core.settings.serializer.name);
      if (decoded === TAGS_CHANGED) {
        hints?.rememberNames(fullKey, tagNames);
        return MISS;
      }
      if (decoded !== OTHER_TAGS) {
        entry = decoded;
        checked = true;
        hints?.rememberNames(fullKey, tagNames);
      }
    }
    if (entry === undefined) {
      entry = decodeEntry(bytes);
      core.decoded?.set(bytes, entry);
    }
  } catch (error) {
    const failure = CacheError.from(error, 'SERIALIZATION', { key: fullKey, backend: backend.name });
    return core.failedRead(failure, operation, fullKey);
  }
  if (!checked) hints?.remember(fullKey, entry.tags);
  const now = Date.now();
  const fresh = now < entry.freshUntil;
  if (!fresh && (!acceptStale || now >= entry.staleUntil)) return MISS;

  if (!checked && entry.tags.length > 0) {
    if (tagNames !== undefined && sameNames(entry.tags, tagNames)) {
      if (!TagVersions.matches(entry.tags, tagVersions!)) return MISS;
    } else if (tagVersions === undefined || tagNames !== undefined) {
      const verified =
        tagVersions === undefined
          ? await core.tags.verify(entry.tags)
          : await core.tags.verifyRead(entry.tags, tagNames!, tagVersions);
      if (!verified.ok) return core.failedRead(verified.error, operation, fullKey);
      if (!verified.value) return MISS;
    } else if (!TagVersions.matches(entry.tags, tagVersions)) {
      return MISS;
    }
  }

  const serializer = core.settings.serializer;
  if (entry.serializer !== serializer.name) {
    const message = `entry was written by serializer '${entry.serializer}', this cache reads '${serializer.name}'`;
    return core.failedRead(new CacheError('SERIALIZATION', message, { key: fullKey }), operation, fullKey);
  }
  const state = fresh ? 'fresh' : 'stale';
  const shared = core.sharedValues?.get(entry);
  if (shared !== undefined) return { state, value: shared.value, entry, from: 'backend' };
  let value: unknown;
  try {
    value = serializer.deserialize(entry.payload);
  } catch (error) {
    return core.failedRead(CacheError.from(error, 'SERIALIZATION', { key: fullKey }), operation, fullKey);
  }
  core.sharedValues?.set(entry, { value });
  core.l1?.fill(fullKey, entry, epoch);
  return { state, value, entry, from: 'backend' };
}
