import { LRUCache } from 'lru-cache';
import type { CacheEntry } from '../entry/entry-codec.js';
import { GlobMatcher } from '../keys/glob.js';

/**
 * What an in-process store keeps per key, and what the core learned from it: the entry's header
 * once decoded, and its value once deserialized. The core fills `entry` and `value` lazily, so a
 * hit never parses the same bytes twice; `value` is the master copy, handed out as is only with
 * `sharedValues` (otherwise each reader gets a copy of it).
 */
export interface Slot {
  /** What the slot counts against its store's byte bound (key length added by the store). */
  readonly size: number;
  /** The decoded entry header (`undefined`: not decoded yet, or the bytes are not an entry). */
  entry?: CacheEntry | undefined;
  /** The deserialized value, once a reader needed it. */
  value?: { readonly value: unknown } | undefined;
  /** The version keys of the entry's tags, once a reader needed them. */
  tagKeys?: readonly string[] | undefined;
  /**
   * The version records found equal to the entry's stamps at its last hit, by tag. A record is
   * never modified, only replaced: the same record object is the same version, and its bytes
   * need no comparing again.
   */
  tagRecords?: Slot[] | undefined;
  /**
   * The store's {@link SlotStore.changes} when `tagRecords` were last all found current (read
   * by the core through `InProcessReads.recordChanges`): while the record store has not changed
   * since, and before {@link tagsCheckedUntil}, they still are.
   */
  tagsCheckedAt?: number | undefined;
  /** The earliest {@link expiresAt} of `tagRecords` at that check. */
  tagsCheckedUntil?: number | undefined;
  /** When the store lets the slot expire (`Date.now()` time; `Infinity`: never), set by the store. */
  expiresAt?: number | undefined;
}

/** Bounds of a {@link SlotStore}. */
export interface SlotStoreSettings {
  /** Most slots kept; the least recently used go first. */
  readonly maxEntries: number;
  /** Most bytes kept (slot sizes plus key lengths); the least recently used go first. */
  readonly maxBytes: number;
}

/**
 * The LRU behind every in-process tier: the memory backend's entries and records, and the L1
 * tier in front of a shared backend. Bounded by count and bytes, expiry checked on read (no
 * timer per key), synchronous throughout: a hit is answered before any `await`.
 */
export class SlotStore<S extends Slot> {
  readonly #lru: LRUCache<string, S>;
  #changes = 0;

  constructor(settings: SlotStoreSettings) {
    this.#lru = new LRUCache<string, S>({
      max: settings.maxEntries,
      maxSize: settings.maxBytes,
      sizeCalculation: (slot, key) => Math.max(1, slot.size + key.length),
    });
  }

  /**
   * A counter that grows whenever a slot is stored, replaced or removed (the store evicts only
   * while storing): while it is unchanged, every key holds the very slot it held, unless that
   * slot's {@link Slot.expiresAt} has passed.
   */
  get changes(): number {
    return this.#changes;
  }

  /** The live slot at `key` (marks it recently used), or `undefined`. */
  get(key: string): S | undefined {
    return this.#lru.get(key);
  }

  /** The live slot at `key` without marking it recently used, or `undefined`. */
  peek(key: string): S | undefined {
    return this.#lru.peek(key);
  }

  /** Whether a live slot is at `key` (recency unchanged). */
  has(key: string): boolean {
    return this.#lru.has(key);
  }

  /** Stores `slot`; `ttlMs` (none when omitted or not positive) bounds how long it is kept. */
  set(key: string, slot: S, ttlMs?: number): void {
    const ttl = lruTtl(ttlMs);
    slot.expiresAt = ttl === 0 ? Number.POSITIVE_INFINITY : Date.now() + ttl;
    this.#changes++;
    this.#lru.set(key, slot, { ttl });
  }

  /** Replaces the slot at `key`, keeping its expiry (as `INCR` keeps a key's TTL in Redis). */
  replace(key: string, slot: S): void {
    slot.expiresAt = this.#lru.peek(key)?.expiresAt ?? Number.POSITIVE_INFINITY;
    this.#changes++;
    this.#lru.set(key, slot, { noUpdateTTL: true });
  }

  /** Removes `key`; `true` when a live slot was there. */
  delete(key: string): boolean {
    const existed = this.#lru.has(key);
    this.#changes++;
    this.#lru.delete(key);
    return existed;
  }

  /** Removes every key matching the glob `pattern` (`keys/glob.ts`); returns how many. */
  deletePattern(pattern: string): number {
    const glob = new GlobMatcher(pattern);
    const matching: string[] = [];
    // keys() yields live entries only; collect first, then delete (no mutation while iterating).
    for (const key of this.#lru.keys()) if (glob.matches(key)) matching.push(key);
    for (const key of matching) this.#lru.delete(key);
    return matching.length;
  }

  /** Removes everything. */
  clear(): void {
    this.#changes++;
    this.#lru.clear();
  }

  /** Number of slots held (expired ones included until they are noticed). */
  get size(): number {
    return this.#lru.size;
  }

  /** Bytes held (slot sizes plus key lengths). */
  get bytes(): number {
    return this.#lru.calculatedSize;
  }
}

/** lru-cache takes 0 for "no expiry". */
function lruTtl(ttlMs: number | undefined): number {
  return ttlMs === undefined || !Number.isFinite(ttlMs) || ttlMs <= 0 ? 0 : Math.ceil(ttlMs);
}
