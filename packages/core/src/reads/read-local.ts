import { type CacheCore, MISS, type ReadOutcome, type ReadTier } from '../cache-core.js';
import { type CacheEntry, decodeEntry } from '../entry/entry-codec.js';
import { CacheError } from '../errors.js';
import { sameVersion } from '../tags/tag-versions.js';
import type { L1Tier } from '../tiers/l1-tier.js';
import type { Slot } from '../tiers/slot-store.js';
import type { InProcessReads } from '../types/backend.js';
import type { CacheOperation } from '../types/events.js';

/**
 * A read answered by an in-process backend, synchronously: the entry's header and value are
 * decoded once and kept on its slot; tag versions are read from the backend's records in place.
 */
export function readInProcess(
  core: CacheCore,
  local: InProcessReads,
  fullKey: string,
  operation: CacheOperation | undefined,
  acceptStale: boolean,
  shared: boolean,
): ReadOutcome {
  const slot = local.peek(fullKey);
  if (slot === undefined) return MISS;
  let entry = slot.entry;
  if (entry === undefined) {
    try {
      entry = decodeEntry(slot.bytes);
    } catch (error) {
      const failure = CacheError.from(error, 'SERIALIZATION', { key: fullKey, backend: core.backend.name });
      return core.failedRead(failure, operation, fullKey);
    }
    slot.entry = entry;
  }
  const now = Date.now();
  const fresh = now < entry.freshUntil;
  if (!fresh && (!acceptStale || now >= entry.staleUntil)) return MISS;
  if (entry.tags.length > 0 && !tagsStillChecked(local, slot, now) && !tagsCurrent(core, local, slot, entry))
    return MISS;
  const serializer = core.settings.serializer;
  if (entry.serializer !== serializer.name) {
    const message = `entry was written by serializer '${entry.serializer}', this cache reads '${serializer.name}'`;
    return core.failedRead(new CacheError('SERIALIZATION', message, { key: fullKey }), operation, fullKey);
  }
  return answer(core, slot, entry, fullKey, operation, fresh, 'backend', shared);
}

/**
 * Whether the entry's tag versions were all found current at an earlier hit and no record can
 * have changed since: the record store's change counter is the same, and none of those records
 * has reached its expiry. An invalidation writes a record, so it is seen at the next hit.
 */
function tagsStillChecked(local: InProcessReads, slot: Slot, now: number): boolean {
  const checkedAt = slot.tagsCheckedAt;
  return (
    checkedAt !== undefined &&
    local.recordChanges !== undefined &&
    checkedAt === local.recordChanges() &&
    now < (slot.tagsCheckedUntil as number)
  );
}

/**
 * Reads the version record of each of the entry's tags and compares it with the entry's stamp
 * (a record found current before is the same version without comparing); when all are
 * current, remembers the record store's change counter on the slot (see {@link tagsStillChecked}).
 */
function tagsCurrent(core: CacheCore, local: InProcessReads, slot: Slot, entry: CacheEntry): boolean {
  const stamps = entry.tags;
  const changes = local.recordChanges?.();
  let keys = slot.tagKeys;
  let seen = slot.tagRecords;
  if (keys === undefined || seen === undefined) {
    keys = stamps.map((stamp) => core.tags.key(stamp.name));
    seen = new Array(stamps.length);
    slot.tagKeys = keys;
    slot.tagRecords = seen;
  }
  let until = Number.POSITIVE_INFINITY;
  for (let i = 0; i < stamps.length; i++) {
    const record = local.peek(keys[i]!);
    if (record === undefined) return false; // a missing version is never the one stamped
    if (record !== seen[i]) {
      // not the very record found current before (whose bytes need no comparing again)
      if (!sameVersion(record.bytes, stamps[i]!.version)) return false;
      seen[i] = record;
    }
    const expiresAt = record.expiresAt ?? Number.POSITIVE_INFINITY;
    if (expiresAt < until) until = expiresAt;
  }
  slot.tagsCheckedAt = changes;
  slot.tagsCheckedUntil = until;
  return true;
}

/**
 * A read answered by the L1 tier, synchronously; `undefined` when the L2 must be asked (absent,
 * a tag version unknown, expired, or the bus disconnected).
 */
export function readL1(
  core: CacheCore,
  l1: L1Tier,
  fullKey: string,
  operation: CacheOperation | undefined,
  acceptStale: boolean,
  shared: boolean,
): ReadOutcome | undefined {
  const slot = l1.find(fullKey);
  if (slot === undefined) return undefined;
  const entry = slot.entry;
  const now = Date.now();
  const fresh = now < entry.freshUntil;
  if (!fresh) {
    if (now >= entry.staleUntil) {
      l1.drop(fullKey);
      return undefined;
    }
    if (!acceptStale) return undefined;
  }
  return answer(core, slot, entry, fullKey, operation, fresh, 'l1', shared);
}

/**
 * The hit: the slot's value, deserialized once and kept, handed out as the reader's copy (the
 * kept object itself when `shared`: the reader promised not to change it).
 */
function answer(
  core: CacheCore,
  slot: Slot,
  entry: CacheEntry,
  fullKey: string,
  operation: CacheOperation | undefined,
  fresh: boolean,
  from: ReadTier,
  shared: boolean,
): ReadOutcome {
  let value: unknown;
  try {
    let kept = slot.value;
    if (kept === undefined) {
      kept = { value: core.settings.serializer.deserialize(entry.payload) };
      slot.value = kept;
    }
    value = shared ? kept.value : core.copies.of(kept.value, entry);
  } catch (error) {
    return core.failedRead(CacheError.from(error, 'SERIALIZATION', { key: fullKey }), operation, fullKey);
  }
  return { state: fresh ? 'fresh' : 'stale', value, entry, from };
}
