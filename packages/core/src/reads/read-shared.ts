import type { CacheCore, ReadOutcome } from '../cache-core.js';
import { MISS } from '../cache-core.js';
import { decodeChecked, OTHER_TAGS, TAGS_CHANGED } from '../entry/checked-decode.js';
import { type CacheEntry, decodeEntry } from '../entry/entry-codec.js';
import { CacheError } from '../errors.js';
import { asRead, type ReadContinuation } from '../resilience/bounded-reads.js';
import type { Result } from '../result.js';
import { sameNames } from '../tags/tag-hints.js';
import { TagVersions } from '../tags/tag-versions.js';
import type { TaggedRead } from '../types/backend.js';
import type { CacheOperation } from '../types/events.js';

/**
 * A read the in-process tier could not answer: from the backend (the L2 behind an L1), with the
 * entry's tag versions read in the same round trip when the backend can. A current entry fills
 * the L1, unless something changed while the read ran (see `L1Tier.epoch`).
 */
export function readShared(
  core: CacheCore,
  fullKey: string,
  operation: CacheOperation,
  acceptStale: boolean,
  tags: readonly string[] | undefined,
): Promise<ReadOutcome> {
  return readSharedThen(core, fullKey, operation, acceptStale, tags, asRead());
}

/**
 * {@link readShared}, whose outcome goes to `next` (the public call's own last step). On a
 * backend that offers a bounded tagged read (Redis on one node), the decoding, the tag check
 * and `next` run inside the reply's callback: one promise from the caller to the reply.
 */
export function readSharedThen<R>(
  core: CacheCore,
  fullKey: string,
  operation: CacheOperation,
  acceptStale: boolean,
  tags: readonly string[] | undefined,
  next: ReadContinuation<ReadOutcome, R>,
): Promise<R> {
  try {
    const backend = core.backend;
    const read = new SharedRead(core, fullKey, operation, acceptStale, next);
    if (backend.getTagged === undefined) return backend.get(fullKey).then((bytes) => read.resumeBytes(bytes));
    const remembered = core.hints?.get(fullKey);
    read.remembered = remembered;
    const hint = remembered ?? tags;
    const prefix = core.tags.keyPrefix;
    return (
      core.boundedRead?.(fullKey, prefix, hint, undefined, read) ??
      backend.getTagged(fullKey, prefix, hint).then((tagged) => read.resume(tagged))
    );
  } catch (error) {
    return Promise.reject(error);
  }
}

/** One shared read: what it needs to turn the backend's answer into an outcome for `next`. */
class SharedRead<R> implements Reader, ReadContinuation<Result<TaggedRead | undefined>, R> {
  /** The L1's epoch when the read began (see `L1Tier.epoch`). */
  readonly epoch: number;
  /** When the backend call began (`CacheCore.startCall`). */
  readonly #started: number;
  /** The tag names remembered for the key when the read began (`TagHints`). */
  remembered: readonly string[] | undefined = undefined;

  constructor(
    readonly core: CacheCore,
    readonly fullKey: string,
    readonly operation: CacheOperation,
    readonly acceptStale: boolean,
    private readonly next: ReadContinuation<ReadOutcome, R>,
  ) {
    this.epoch = core.l1?.epoch ?? 0;
    this.#started = core.startCall();
  }

  /** The answer of `getTagged`. */
  resume(read: Result<TaggedRead | undefined>): R | PromiseLike<R> {
    const core = this.core;
    if (this.#started >= 0) core.endCall('get', this.#started, read.ok);
    if (!read.ok) return this.next.resume(core.failedRead(read.error, this.operation, this.fullKey));
    const tagged = read.value;
    if (tagged === undefined) return this.next.resume(MISS);
    return this.#finish(tagged.entry, tagged.tagVersions, tagged.tagNames);
  }

  /** The answer of `get` (a backend without `getTagged`). */
  resumeBytes(read: Result<Uint8Array | undefined>): R | PromiseLike<R> {
    const core = this.core;
    if (this.#started >= 0) core.endCall('get', this.#started, read.ok);
    if (!read.ok) return this.next.resume(core.failedRead(read.error, this.operation, this.fullKey));
    if (read.value === undefined) return this.next.resume(MISS);
    return this.#finish(read.value, undefined, undefined);
  }

  #finish(
    bytes: Uint8Array,
    tagVersions: readonly (Uint8Array | undefined)[] | undefined,
    tagNames: readonly string[] | undefined,
  ): R | PromiseLike<R> {
    const outcome = outcomeOf(this, bytes, tagVersions, tagNames);
    return outcome instanceof Promise ? outcome.then((o) => this.next.resume(o)) : this.next.resume(outcome);
  }
}

/** Who reads: the service, the key, and what the read is for. */
interface Reader {
  readonly core: CacheCore;
  readonly fullKey: string;
  readonly operation: CacheOperation;
  readonly acceptStale: boolean;
  /** The L1's epoch when the read began. */
  readonly epoch: number;
  /** The tag names remembered for the key when the read began (nothing to remember again). */
  readonly remembered: readonly string[] | undefined;
}

/**
 * The outcome of the entry `bytes` (with `tagVersions` read for `tagNames`, or for the
 * header's names without them): synchronous, unless its tags must be read (rare).
 */
function outcomeOf(
  reader: Reader,
  bytes: Uint8Array,
  tagVersions: readonly (Uint8Array | undefined)[] | undefined,
  tagNames: readonly string[] | undefined,
): ReadOutcome | Promise<ReadOutcome> {
  const { core, fullKey, operation, acceptStale } = reader;
  const hints = core.hints;
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
        if (tagNames !== reader.remembered) hints?.rememberNames(fullKey, tagNames);
      }
    }
    if (entry === undefined) {
      entry = decodeEntry(bytes);
      core.decoded?.set(bytes, entry);
    }
  } catch (error) {
    const failure = CacheError.from(error, 'SERIALIZATION', { key: fullKey, backend: core.backend.name });
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
      return verifiedOutcome(reader, entry, fresh, tagVersions, tagNames);
    } else if (!TagVersions.matches(entry.tags, tagVersions)) {
      return MISS;
    }
  }
  return currentOutcome(reader, entry, fresh);
}

/** {@link outcomeOf} for an entry whose tag versions were not all read with it. */
async function verifiedOutcome(
  reader: Reader,
  entry: CacheEntry,
  fresh: boolean,
  tagVersions: readonly (Uint8Array | undefined)[] | undefined,
  tagNames: readonly string[] | undefined,
): Promise<ReadOutcome> {
  const { core, fullKey, operation } = reader;
  const verified =
    tagVersions === undefined
      ? await core.tags.verify(entry.tags)
      : await core.tags.verifyRead(entry.tags, tagNames!, tagVersions);
  if (!verified.ok) return core.failedRead(verified.error, operation, fullKey);
  if (!verified.value) return MISS;
  return currentOutcome(reader, entry, fresh);
}

/** The outcome of an entry found current: its value, deserialized once (and the L1 filled). */
function currentOutcome(reader: Reader, entry: CacheEntry, fresh: boolean): ReadOutcome {
  const { core, fullKey, operation, epoch } = reader;
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
