import type { Result } from '../result.js';
import type { InvalidationBus } from '../tiers/bus-contract.js';
import type { Slot } from '../tiers/slot-store.js';
import type { BackendConnection } from './connection.js';

/** What a backend can do beyond the basic contract. The service adapts to it. */
export interface BackendCapabilities {
  /**
   * The store is shared by several processes (Redis, memcached). The service then guards
   * `getOrSet` with a distributed lock as well as its in-process single flight.
   */
  readonly shared: boolean;
  /** `deletePattern` is supported (memcached cannot enumerate keys). */
  readonly deletePattern: boolean;
  /** The largest value the backend accepts, in bytes, when it has a limit. */
  readonly maxValueSize?: number;
  /**
   * The most tags one entry may carry, when the backend keeps tag versions in a bounded store
   * (the memory backend): `count` tags, whose version records (key and value) take at most
   * `bytes` together. The service refuses to store an entry past either, with a warning
   * (`VALUE_TOO_LARGE`), rather than let its tags evict every other entry's.
   */
  readonly tagLimit?: { readonly count: number; readonly bytes: number };
}

/** A health probe's answer. */
export interface BackendHealth {
  /** Round-trip time of the probe, in milliseconds. */
  readonly latencyMs: number;
  /** Backend-specific facts (server version, node count, ...). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** An entry and the current versions of its tags, read together. */
export interface TaggedRead {
  readonly entry: Uint8Array;
  /**
   * Without `tagNames`: one slot per tag named in the entry header, in header order. With
   * `tagNames`: one slot per name there, in that order. `undefined` when a version is missing.
   */
  readonly tagVersions: readonly (Uint8Array | undefined)[];
  /**
   * Set when the backend read the versions of the caller's `tagHint` instead of the tags named
   * in the header (it then does not parse the header). The reader compares these names with
   * the header's and reads the versions of any header tag that is not among them itself.
   */
  readonly tagNames?: readonly string[];
}

/** Bytes an in-process backend holds, with what the service decoded from them (see {@link Slot}). */
export interface StoredBytes extends Slot {
  /** The bytes as stored: never modified, handed out as is by `get`. */
  readonly bytes: Uint8Array;
}

/**
 * Synchronous reads of an in-process backend, so that the service answers a hit before any
 * `await`, without a promise per layer, and decodes an entry's header and value once (kept on
 * the returned {@link StoredBytes}) instead of on every hit.
 */
export interface InProcessReads {
  /** What is stored at `key` (entries and the service's records alike; marks it recently used). */
  peek(key: string): StoredBytes | undefined;
  /**
   * Optional: a counter of changes to the service's records (tag versions, locks) that grows
   * whenever one is stored or removed (evictions included). While it is unchanged, the tag
   * version records found current at an entry's last hit still are (until the earliest of their
   * {@link Slot.expiresAt}), and a hit does not read them again.
   */
  recordChanges?(): number;
}

/** A held lock. Releasing a lock that another owner now holds does nothing. */
export interface Lock {
  /** Releases the lock if this owner still holds it; `true` when it did. */
  release(): Promise<Result<boolean>>;
  /** Extends the lock's time to live if this owner still holds it. */
  extend(ttlMs: number): Promise<Result<boolean>>;
}

/** Mutual exclusion across processes, used by stampede protection. */
export interface LockProvider {
  /** Takes the lock named `key` for `ttlMs`; `undefined` when somebody else holds it. */
  acquire(key: string, ttlMs: number): Promise<Result<Lock | undefined>>;
  /**
   * Resolves when the lock named `key` may have been released, or after `timeoutMs` at the
   * latest. Callers re-check the cache and the lock afterwards: a wake-up is only a hint.
   */
  waitForRelease(key: string, timeoutMs: number): Promise<void>;
}

/**
 * The contract every backend implements: bytes in, bytes out; serialization, tags and
 * stampede protection belong to the service. Every method returns a {@link Result} and
 * never throws (nor rejects).
 *
 * Keys starting with {@link INTERNAL_KEY_PREFIX} hold the service's own records (tag versions,
 * locks): `deletePattern` must never delete them.
 */
export interface CacheBackend {
  /** Short name for logs, errors and health reports: `memory`, `redis`, `memcached`. */
  readonly name: string;
  readonly capabilities: BackendCapabilities;
  /** The bytes stored at `key`, or `undefined` on a miss. */
  get(key: string): Promise<Result<Uint8Array | undefined>>;
  /**
   * Optional, for diagnostics (`CacheService.inspect`): the bytes at `key` like `get`, without
   * counting as an access (the entry keeps its place in the LRU). Read with `get` when absent.
   */
  peek?(key: string): Promise<Result<Uint8Array | undefined>>;
  /** Several keys at once, in the order asked; `undefined` for misses. */
  getMany(keys: readonly string[]): Promise<Result<(Uint8Array | undefined)[]>>;
  /** Stores `value`; `ttlMs` is the physical time to live (none when omitted). */
  set(key: string, value: Uint8Array, ttlMs?: number): Promise<Result<void>>;
  /** Stores `value` only if `key` is absent; `true` when it stored. */
  add(key: string, value: Uint8Array, ttlMs?: number): Promise<Result<boolean>>;
  /** Removes `key`; `true` when it existed. */
  delete(key: string): Promise<Result<boolean>>;
  /**
   * Removes every key matching the glob `pattern` (`*` any run, `?` one character, `\`
   * escapes the next character; nothing else is special). Returns how many were removed.
   */
  deletePattern(pattern: string): Promise<Result<number>>;
  /** Adds `by` to the integer at `key` (created at 0), returning the new value. */
  incr(key: string, by?: number, ttlMs?: number): Promise<Result<number>>;
  /** Probes the backend. */
  health(): Promise<Result<BackendHealth>>;
  /** Releases connections and timers. Only the owner of an injected client closes it. */
  close(): Promise<Result<void>>;
  /**
   * Optional fast path for network backends: the entry at `key` and, in the same round trip,
   * the values at `tagKeyPrefix + name` for every tag name in the entry's header (the header
   * format is in `entry/entry-codec.ts`). `undefined` when the entry is missing.
   *
   * `tagHint`, when given, is the caller's guess of the header's tag names (`[]`: no tags), from
   * a previous read or from the tags the caller writes with. A backend may then read the entry
   * and `tagKeyPrefix + name` for each hinted name together, without looking at the header,
   * and answer with `tagNames` set to the hint (see {@link TaggedRead}); a wrong guess costs
   * the reader a second read, never a wrong answer. Backends that ignore the hint stay correct.
   */
  getTagged?(
    key: string,
    tagKeyPrefix: string,
    tagHint?: readonly string[],
  ): Promise<Result<TaggedRead | undefined>>;
  /**
   * Optional, for in-process backends (never for shared ones): synchronous reads of what `get`
   * returns, which the service uses for its hit path. Must agree with `get` at every moment.
   */
  readonly inProcess?: InProcessReads;
  /** Optional lock provider; shared backends without one get the generic `add`-based lock. */
  readonly locks?: LockProvider;
  /**
   * Optional, for network backends: the connection as the client sees it. The service's
   * circuit breaker half-opens as soon as it reports `connected` again (recovery as fast as the
   * client reconnects, not after the cool-down) and fails calls fast while it reports
   * `disconnected`. Without it, the breaker relies on its cool-down alone.
   */
  readonly connection?: BackendConnection;
  /**
   * Optional, for diagnostics: where the backend connects and, while it cannot, why
   * (`redis 127.0.0.1:6390, last connection error: connect ECONNREFUSED 127.0.0.1:6390`).
   * Named in the service's first-failure warning. Never includes credentials.
   */
  describe?(): string;
  /**
   * Optional: an invalidation bus on the backend's own server, for services with an `l1` tier
   * (the Redis backend publishes on its connection and subscribes on a second one). A service
   * with `l1` and no `bus` option uses it; backends without it need a `bus`.
   */
  createBus?(): InvalidationBus;
}

/** Keys under this prefix belong to the service (tag versions, locks), never to users. */
export const INTERNAL_KEY_PREFIX = '__tc:';
