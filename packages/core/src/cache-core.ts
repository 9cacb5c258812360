import { type CacheEntry, encodeEntry, type TagStamp } from './entry/entry-codec.js';
import { CacheError, CacheUsageError } from './errors.js';
import { namespaceOf } from './keys/namespace.js';
import { notify, type TypedEmitter } from './observability/emitter.js';
import { FailureWarning } from './observability/failure-warning.js';
import type { ReadObservers } from './observability/read-observers.js';
import type { CacheStats } from './observability/stats.js';
import { readInProcess, readL1 } from './reads/read-local.js';
import { readShared, readSharedThen } from './reads/read-shared.js';
import {
  type BoundedTaggedRead,
  boundedTaggedRead,
  type ReadContinuation,
} from './resilience/bounded-reads.js';
import type { Serializer } from './serializers/serializer.js';
import { SingleFlight } from './stampede/single-flight.js';
import { TagHints } from './tags/tag-hints.js';
import { TagVersions } from './tags/tag-versions.js';
import type { InvalidationBus } from './tiers/bus-contract.js';
import type { L1Settings } from './tiers/l1-settings.js';
import { L1Tier } from './tiers/l1-tier.js';
import type { CacheBackend, InProcessReads, LockProvider } from './types/backend.js';
import type { BackendCall, CacheEvents, CacheOperation, CacheSource } from './types/events.js';
import type { CacheLogger } from './types/logger.js';
import { ValueCopies } from './values/value-copies.js';

/** Which tier answered a hit: the L1 in front of the backend, or the backend itself. */
export type ReadTier = 'l1' | 'backend';

/** The outcome of reading one entry. */
export type ReadOutcome =
  | {
      readonly state: 'fresh' | 'stale';
      readonly value: unknown;
      readonly entry: CacheEntry;
      readonly from: ReadTier;
    }
  | { readonly state: 'miss'; readonly failed?: true };

/** The outcome of every miss. */
export const MISS: ReadOutcome = { state: 'miss' };
/** A miss because the cache could not be read (already reported). */
const FAILED: ReadOutcome = { state: 'miss', failed: true };

/** One backend call in this many is timed for the `call` event (the first one included). */
export const CALL_SAMPLE = 16;

/**
 * Whether a string has no lone surrogate. Backends store keys and tags as UTF-8, where every
 * lone surrogate becomes U+FFFD: `'a\uD800'` and `'a\uDBFF'` would be one Redis key.
 * (`String.prototype.isWellFormed` is in Node ≥ 20, not yet in the ES2023 lib types.)
 */
const wellFormed = (value: string): boolean =>
  (value as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Settings the core needs, already validated and in milliseconds. */
export interface CoreSettings {
  readonly name: string;
  readonly backend: CacheBackend;
  readonly serializer: Serializer;
  readonly prefix: string;
  readonly defaultTtlMs: number;
  readonly tagTtlMs: number;
  readonly clockSkewMs: number;
  readonly sharedValues: boolean;
  readonly protection: { readonly enabled: boolean; readonly lockTtlMs: number; readonly maxWaitMs: number };
  readonly locks: LockProvider | undefined;
  /** The in-process tier in front of the backend (with `bus`), when configured. */
  readonly l1?: L1Settings | undefined;
  /** The bus that keeps the L1 tiers of a fleet coherent. */
  readonly bus?: InvalidationBus | undefined;
  readonly logger: CacheLogger;
  /** Whether backend failures are announced as process warnings (no logger was configured). */
  readonly failureWarnings: boolean;
}

/**
 * The service's internals, shared by its public methods and `getOrSet`: key namespacing,
 * reading and writing entries with their tag stamps, and turning backend failures into
 * logged, emitted, counted misses.
 */
export class CacheCore {
  readonly settings: CoreSettings;
  readonly backend: CacheBackend;
  readonly tags: TagVersions;
  /** What every backend key of this service begins with: the prefix and `|` (see `keys/namespace.ts`). */
  readonly namespace: string;
  /** Flights joined only while their values are current: their tag versions are checked first. */
  readonly flights = new SingleFlight(async (basis) => {
    const current = await this.tags.verify(basis);
    if (current.ok) return current.value;
    this.fail(current.error, 'getOrSet');
    return false;
  });
  /**
   * Decoded headers by stored bytes, for in-process backends without synchronous reads (their
   * `get` hands back the very bytes they hold); network backends return new buffers.
   */
  readonly decoded: WeakMap<Uint8Array, CacheEntry> | undefined;
  /** Without synchronous reads, with `sharedValues`: one deserialized value per stored entry. */
  readonly sharedValues: WeakMap<CacheEntry, { value: unknown }> | undefined;
  /** Tag names last seen per key, for backends that read tag versions with the entry. */
  readonly hints: TagHints | undefined;
  /** The backend's bounded tagged read, if it offers one (Redis on one node, see `resilience/bounded-reads.ts`). */
  readonly boundedRead: BoundedTaggedRead | undefined;
  /** The in-process tier in front of a shared backend, when configured. */
  readonly l1: L1Tier | undefined;
  /** Synchronous reads of an in-process backend (when there is no L1). */
  readonly local: InProcessReads | undefined;
  /** How a reader gets its own copy of a value kept decoded in-process. */
  readonly copies: ValueCopies;
  readonly #warning: FailureWarning | undefined;
  /** Backend calls since the last one timed (see {@link startCall}). */
  #callTick = CALL_SAMPLE - 1;

  constructor(
    settings: CoreSettings,
    readonly stats: CacheStats,
    readonly events: TypedEmitter<CacheEvents>,
    readonly reads: ReadObservers,
  ) {
    this.settings = settings;
    this.backend = settings.backend;
    this.namespace = namespaceOf(settings.prefix);
    this.tags = new TagVersions(settings.backend, this.namespace, settings.tagTtlMs);
    this.l1 =
      settings.l1 !== undefined && settings.bus !== undefined
        ? new L1Tier(settings.l1, settings.bus, this.tags.keyPrefix)
        : undefined;
    this.local = this.l1 === undefined ? settings.backend.inProcess : undefined;
    const inProcess = !settings.backend.capabilities.shared && this.local === undefined;
    this.decoded = inProcess ? new WeakMap() : undefined;
    this.sharedValues = inProcess && settings.sharedValues ? new WeakMap() : undefined;
    this.hints = settings.backend.getTagged ? new TagHints() : undefined;
    this.boundedRead = settings.backend.getTagged ? boundedTaggedRead(settings.backend) : undefined;
    this.copies = new ValueCopies(settings.serializer, settings.sharedValues);
    this.#warning = settings.failureWarnings ? new FailureWarning(settings.name) : undefined;
  }

  /** The backend key for a user key; throws for keys that cannot be keys. */
  fullKey(key: string): string {
    if (typeof key !== 'string' || key.length === 0) {
      throw new CacheUsageError(
        `a cache key must be a non-empty string, got ${key === '' ? "''" : typeof key}`,
        'key',
      );
    }
    if (!wellFormed(key)) {
      throw new CacheUsageError(
        'a cache key must be well-formed UTF-16 (it has a lone surrogate, which backends store as U+FFFD, so it would share its entry with other keys)',
        'key',
      );
    }
    // The namespace cannot begin with `__tc:` (checked once, in the settings): no key can reach
    // the service's records.
    return this.namespace + key;
  }

  /** Validates a tag list (non-empty strings). */
  checkTags(tags: readonly string[] | undefined, field = 'tags'): readonly string[] {
    if (tags === undefined) return [];
    if (!Array.isArray(tags)) throw new CacheUsageError('expected an array of strings', field);
    for (const tag of tags) {
      if (typeof tag !== 'string' || tag.length === 0) {
        throw new CacheUsageError(`every tag must be a non-empty string, got ${JSON.stringify(tag)}`, field);
      }
      if (!wellFormed(tag)) {
        throw new CacheUsageError(
          `every tag must be well-formed UTF-16, got ${JSON.stringify(tag)} (a lone surrogate; entries tagged with it could never be read)`,
          field,
        );
      }
    }
    return tags;
  }

  /**
   * Reads an entry: a miss when absent, expired, invalidated by a tag, written by another
   * serializer or unreadable. `stale` entries are returned only when `acceptStale`. `tags` (the
   * caller's tags, if it has some) is a hint for backends that read tag versions with the entry,
   * used when this process has not seen the key's entry yet. In-process answers (the memory
   * backend, the L1 tier) come back in one resolved promise.
   */
  read(
    fullKey: string,
    operation: CacheOperation,
    acceptStale: boolean,
    tags?: readonly string[],
  ): Promise<ReadOutcome> {
    const now = this.readNow(fullKey, operation, acceptStale);
    if (now !== undefined) return Promise.resolve(now);
    return readShared(this, fullKey, operation, acceptStale, tags);
  }

  /** The asynchronous part of {@link read}: asks the backend (the L2 behind an L1). */
  readBackend(
    fullKey: string,
    operation: CacheOperation,
    acceptStale: boolean,
    tags?: readonly string[],
  ): Promise<ReadOutcome> {
    return readShared(this, fullKey, operation, acceptStale, tags);
  }

  /** {@link readBackend}, whose outcome goes to `next` (see `readSharedThen`). */
  readBackendThen<R>(
    fullKey: string,
    operation: CacheOperation,
    acceptStale: boolean,
    next: ReadContinuation<ReadOutcome, R>,
  ): Promise<R> {
    return readSharedThen(this, fullKey, operation, acceptStale, undefined, next);
  }

  /**
   * The synchronous part of {@link read}: the answer of the in-process tier (the memory backend
   * or the L1), or `undefined` when the shared backend must be asked. With `shared`, a hit is
   * the kept decoded value itself, not the reader's copy. `operation` is the call a failure is
   * reported for; `undefined` for a probe (`CacheService.hitNow`) whose caller reads again on anything
   * but a hit, so that an unreadable entry is reported once, by that read.
   */
  readNow(
    fullKey: string,
    operation: CacheOperation | undefined,
    acceptStale: boolean,
    shared = false,
  ): ReadOutcome | undefined {
    return this.l1 !== undefined
      ? readL1(this, this.l1, fullKey, operation, acceptStale, shared)
      : this.local !== undefined
        ? readInProcess(this, this.local, fullKey, operation, acceptStale, shared)
        : undefined;
  }

  /**
   * Serializes and stores a value with its tag stamps. `false` (reported) on any failure.
   * `encoded`, when given, receives the serialized bytes (callers sharing a load copy from them).
   */
  async store(
    fullKey: string,
    value: unknown,
    stamps: readonly TagStamp[],
    ttlMs: number,
    graceMs: number,
    operation: CacheOperation,
    encoded?: { payload: Uint8Array | null | undefined },
  ): Promise<boolean> {
    let payload: Uint8Array;
    try {
      payload = this.settings.serializer.serialize(value);
      if (encoded !== undefined) encoded.payload = payload;
    } catch (error) {
      if (encoded !== undefined) encoded.payload = null;
      const cause = error instanceof Error ? error.message : String(error);
      this.fail(
        new CacheError('SERIALIZATION', `cannot serialize the value for key '${fullKey}': ${cause}`, {
          key: fullKey,
          cause: error,
        }),
        operation,
        fullKey,
      );
      return false;
    }
    const now = Date.now();
    const entry: CacheEntry = {
      payload,
      serializer: this.settings.serializer.name,
      tags: stamps,
      createdAt: now,
      freshUntil: now + ttlMs,
      staleUntil: now + ttlMs + graceMs,
    };
    const bytes = encodeEntry(entry);
    const epoch = this.l1?.epoch ?? 0;
    const started = this.startCall();
    const stored = await this.backend.set(fullKey, bytes, ttlMs + graceMs);
    if (started >= 0) this.endCall('set', started, stored.ok);
    if (!stored.ok) {
      this.fail(stored.error, operation, fullKey);
      return false;
    }
    this.l1?.wrote(fullKey, entry, epoch);
    const slot = this.local?.peek(fullKey);
    if (slot?.bytes === bytes) slot.entry = entry; // its first hit skips decoding the header
    this.hints?.remember(fullKey, stamps);
    this.stats.sets++;
    if (this.events.listens('set'))
      this.events.emit('set', { key: fullKey, tags: stamps.map((s) => s.name) });
    return true;
  }

  /**
   * Counts, logs and emits a cache-layer failure. `VALUE_TOO_LARGE` (a value or a tag list the
   * backend cannot keep: served, not stored) is logged as a warning, the rest as errors.
   */
  fail(error: CacheError, operation: CacheOperation, key?: string): void {
    this.stats.errors++;
    const logger = this.settings.logger;
    const context = {
      err: error,
      code: error.code,
      operation,
      key,
      cache: this.settings.name,
      backend: this.backend.name,
    };
    if (error.code === 'VALUE_TOO_LARGE')
      logger.warn(context, `tagcache ${operation}: not stored: ${error.message}`);
    else logger.error(context, `tagcache ${operation} failed: ${error.message}`);
    this.#warning?.report(error, operation, this.backend);
    this.events.emit('error', key === undefined ? { error, operation } : { error, operation, key });
  }

  /**
   * Counts a hit and tells the read observers (metrics) and `hit` listeners; the event's
   * payload is built only when somebody listens.
   */
  hit(key: string, stale: boolean, source?: CacheSource, from: ReadTier = 'backend'): void {
    if (stale) this.stats.staleHits++;
    else this.stats.hits++;
    if (from === 'l1') this.stats.l1Hits++;
    else this.stats.l2Hits++;
    const observers = this.reads.list;
    for (let i = 0; i < observers.length; i++) observers[i]!.hit(key, stale, source);
    const listeners = this.events.listeners('hit');
    if (listeners !== undefined) notify(listeners, { key, stale, source });
  }

  /** Counts a miss and tells the read observers and `miss` listeners. */
  miss(key: string, source?: CacheSource): void {
    this.stats.misses++;
    const observers = this.reads.list;
    for (let i = 0; i < observers.length; i++) observers[i]!.miss(key, source);
    const listeners = this.events.listeners('miss');
    if (listeners !== undefined) notify(listeners, { key, source });
  }

  /**
   * `performance.now()` for one backend call in {@link CALL_SAMPLE} while somebody listens to
   * `call`, else -1 (no clock read at all). Timing every call would cost an in-process hit more
   * than the rest of its metrics together.
   */
  startCall(): number {
    if (!this.events.listens('call') || ++this.#callTick < CALL_SAMPLE) return -1;
    this.#callTick = 0;
    return performance.now();
  }

  /** Emits `call` for a backend call timed from {@link startCall} (only when that was not -1). */
  endCall(call: BackendCall, started: number, ok: boolean): void {
    this.events.emit('call', { call, durationMs: performance.now() - started, ok });
  }

  /** Reports a failed read ({@link fail}) and answers it as a miss. */
  failedRead(error: CacheError, operation: CacheOperation | undefined, key: string): ReadOutcome {
    if (operation !== undefined) this.fail(error, operation, key);
    return FAILED;
  }
}
