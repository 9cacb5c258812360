import { type CacheEntry, decodeEntry, encodeEntry, type TagStamp } from './entry/entry-codec.js';
import { CacheError, CacheUsageError } from './errors.js';
import { namespaceOf } from './keys/namespace.js';
import type { TypedEmitter } from './observability/emitter.js';
import { FailureWarning } from './observability/failure-warning.js';
import type { CacheStats } from './observability/stats.js';
import type { Serializer } from './serializers/serializer.js';
import { SingleFlight } from './stampede/single-flight.js';
import { sameNames, TagHints } from './tags/tag-hints.js';
import { TagVersions } from './tags/tag-versions.js';
import type { CacheBackend, LockProvider } from './types/backend.js';
import type { BackendCall, CacheEvents, CacheOperation, CacheSource } from './types/events.js';
import type { CacheLogger } from './types/logger.js';

/** The outcome of reading one entry. */
export type ReadOutcome =
  | { readonly state: 'fresh' | 'stale'; readonly value: unknown; readonly entry: CacheEntry }
  | { readonly state: 'miss'; readonly failed?: true };

const MISS: ReadOutcome = { state: 'miss' };
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
   * Decoded headers by stored bytes. An in-process backend hands back the very bytes it holds,
   * so a hit skips header parsing; network backends return new buffers, so it is left off.
   */
  readonly #decoded: WeakMap<Uint8Array, CacheEntry> | undefined;
  /** With `sharedValues`, one deserialized value per stored entry, handed to every reader. */
  readonly #sharedValues: WeakMap<CacheEntry, { value: unknown }> | undefined;
  /** Tag names last seen per key, for backends that read tag versions with the entry. */
  readonly #hints: TagHints | undefined;
  readonly #warning: FailureWarning | undefined;
  /** Backend calls since the last one timed (see {@link startCall}). */
  #callTick = CALL_SAMPLE - 1;

  constructor(
    settings: CoreSettings,
    readonly stats: CacheStats,
    readonly events: TypedEmitter<CacheEvents>,
  ) {
    this.settings = settings;
    this.backend = settings.backend;
    this.namespace = namespaceOf(settings.prefix);
    this.tags = new TagVersions(settings.backend, this.namespace, settings.tagTtlMs);
    const inProcess = !settings.backend.capabilities.shared;
    this.#decoded = inProcess ? new WeakMap() : undefined;
    this.#sharedValues = inProcess && settings.sharedValues ? new WeakMap() : undefined;
    this.#hints = settings.backend.getTagged ? new TagHints() : undefined;
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
   * used when this process has not seen the key's entry yet.
   */
  async read(
    fullKey: string,
    operation: CacheOperation,
    acceptStale: boolean,
    tags?: readonly string[],
  ): Promise<ReadOutcome> {
    const backend = this.backend;
    const hints = this.#hints;
    let bytes: Uint8Array;
    let tagVersions: readonly (Uint8Array | undefined)[] | undefined;
    let tagNames: readonly string[] | undefined;
    const started = this.startCall();
    if (backend.getTagged) {
      const read = await backend.getTagged(fullKey, this.tags.keyPrefix, hints?.get(fullKey) ?? tags);
      if (started >= 0) this.endCall('get', started, read.ok);
      if (!read.ok) return this.#failedRead(read.error, operation, fullKey);
      if (read.value === undefined) return MISS;
      bytes = read.value.entry;
      tagVersions = read.value.tagVersions;
      tagNames = read.value.tagNames;
    } else {
      const read = await backend.get(fullKey);
      if (started >= 0) this.endCall('get', started, read.ok);
      if (!read.ok) return this.#failedRead(read.error, operation, fullKey);
      if (read.value === undefined) return MISS;
      bytes = read.value;
    }

    let entry = this.#decoded?.get(bytes);
    if (entry === undefined) {
      try {
        entry = decodeEntry(bytes);
      } catch (error) {
        return this.#failedRead(
          CacheError.from(error, 'SERIALIZATION', { key: fullKey, backend: backend.name }),
          operation,
          fullKey,
        );
      }
      this.#decoded?.set(bytes, entry);
    }
    hints?.remember(fullKey, entry.tags);
    const now = Date.now();
    const fresh = now < entry.freshUntil;
    if (!fresh && (!acceptStale || now >= entry.staleUntil)) return MISS;

    if (entry.tags.length > 0) {
      if (tagNames !== undefined && sameNames(entry.tags, tagNames)) {
        // The hint was right (the usual case): compare here, no second read, no promise.
        if (!TagVersions.matches(entry.tags, tagVersions!)) return MISS;
      } else if (tagVersions === undefined || tagNames !== undefined) {
        const verified =
          tagVersions === undefined
            ? await this.tags.verify(entry.tags)
            : await this.tags.verifyRead(entry.tags, tagNames!, tagVersions);
        if (!verified.ok) return this.#failedRead(verified.error, operation, fullKey);
        if (!verified.value) return MISS;
      } else if (!TagVersions.matches(entry.tags, tagVersions)) {
        return MISS;
      }
    }

    const serializer = this.settings.serializer;
    if (entry.serializer !== serializer.name) {
      const message = `entry was written by serializer '${entry.serializer}', this cache reads '${serializer.name}'`;
      return this.#failedRead(new CacheError('SERIALIZATION', message, { key: fullKey }), operation, fullKey);
    }
    const shared = this.#sharedValues?.get(entry);
    if (shared !== undefined) return { state: fresh ? 'fresh' : 'stale', value: shared.value, entry };
    let value: unknown;
    try {
      value = serializer.deserialize(entry.payload);
    } catch (error) {
      return this.#failedRead(CacheError.from(error, 'SERIALIZATION', { key: fullKey }), operation, fullKey);
    }
    this.#sharedValues?.set(entry, { value });
    return { state: fresh ? 'fresh' : 'stale', value, entry };
  }

  /**
   * Whether readers share one deserialized object per entry (`sharedValues` on an in-process
   * backend); otherwise every reader, and every caller sharing a load, gets its own copy.
   */
  get sharesValues(): boolean {
    return this.#sharedValues !== undefined;
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
    const bytes = encodeEntry({
      payload,
      serializer: this.settings.serializer.name,
      tags: stamps,
      createdAt: now,
      freshUntil: now + ttlMs,
      staleUntil: now + ttlMs + graceMs,
    });
    const started = this.startCall();
    const stored = await this.backend.set(fullKey, bytes, ttlMs + graceMs);
    if (started >= 0) this.endCall('set', started, stored.ok);
    if (!stored.ok) {
      this.fail(stored.error, operation, fullKey);
      return false;
    }
    this.#hints?.remember(fullKey, stamps);
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

  /** Counts a hit and tells `hit` listeners (the payload is built only when somebody listens). */
  hit(key: string, stale: boolean, source?: CacheSource): void {
    if (stale) this.stats.staleHits++;
    else this.stats.hits++;
    if (this.events.listens('hit')) this.events.emit('hit', { key, stale, source });
  }

  /** Counts a miss and tells `miss` listeners. */
  miss(key: string, source?: CacheSource): void {
    this.stats.misses++;
    if (this.events.listens('miss')) this.events.emit('miss', { key, source });
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

  #failedRead(error: CacheError, operation: CacheOperation, key: string): ReadOutcome {
    this.fail(error, operation, key);
    return FAILED;
  }
}
