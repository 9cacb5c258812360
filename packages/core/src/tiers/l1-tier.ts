import type { CacheEntry } from '../entry/entry-codec.js';
import type { BusMessage, InvalidationBus } from './bus-contract.js';
import type { L1Settings } from './l1-settings.js';
import { LocalTagVersions } from './local-tag-versions.js';
import { type Slot, SlotStore } from './slot-store.js';

/** An L1 slot: always a decoded entry (the L1 keeps no bytes). */
export interface L1Slot extends Slot {
  readonly entry: CacheEntry;
}

/** Header bytes counted per entry beyond its payload and tag stamps. */
const ENTRY_OVERHEAD = 64;

/**
 * The in-process tier in front of a shared backend (L2). Reads check it first and fill it from
 * the L2; writes go to the L2, then here, and are published on the bus so that the other
 * instances drop their copies.
 *
 * Correctness rules:
 * - An entry carries the tag versions it was stored under, like an L2 entry; it is served only
 *   while each is the version this instance knows to be current ({@link LocalTagVersions}).
 * - Every change this instance makes or hears of moves the {@link epoch}. An L2 read fills the
 *   L1 (and teaches it tag versions) only if the epoch did not move while it ran: a read that
 *   raced a write, a delete or an invalidation never leaves its older answer here.
 * - A bus message about a tag forgets the tag's version rather than trusting the one it carries:
 *   two invalidations of one tag by two instances may be delivered in the other order than they
 *   reached the L2. The next read of an entry with that tag asks the L2 and learns the version
 *   that is current there.
 * - While the bus is disconnected this instance cannot know what it misses: the L1 is bypassed
 *   (neither read nor filled), and cleared whenever the bus's state changes.
 */
export class L1Tier {
  readonly #store: SlotStore<L1Slot>;
  readonly #versions: LocalTagVersions;
  readonly #bus: InvalidationBus;
  readonly #tagKeyPrefix: string;
  readonly #ttlMs: number | undefined;
  #epoch = 0;

  /** `tagKeyPrefix`: what precedes a tag's name in its version key (`TagVersions.keyPrefix`). */
  constructor(settings: L1Settings, bus: InvalidationBus, tagKeyPrefix: string) {
    this.#store = new SlotStore<L1Slot>(settings);
    this.#versions = new LocalTagVersions(Math.max(settings.maxEntries, 10_000));
    this.#bus = bus;
    this.#tagKeyPrefix = tagKeyPrefix;
    this.#ttlMs = settings.ttlMs;
    bus.onMessage((message) => this.#apply(message));
    bus.onState(() => this.#reset());
  }

  /** Moves on every change made or heard of; see the class comment. */
  get epoch(): number {
    return this.#epoch;
  }

  /** Whether the L1 is in use (the bus is connected). */
  get active(): boolean {
    return this.#bus.connected;
  }

  /** Number of entries held. */
  get size(): number {
    return this.#store.size;
  }

  /** Bytes held (payloads, stamps and keys). */
  get bytes(): number {
    return this.#store.bytes;
  }

  /**
   * The slot at `fullKey` when it may answer now: the bus is connected and every tag version of
   * the entry is known and current. `undefined`: ask the L2. Freshness is the caller's check.
   */
  find(fullKey: string): L1Slot | undefined {
    if (!this.#bus.connected) return undefined;
    const slot = this.#store.get(fullKey);
    if (slot === undefined) return undefined;
    const tags = slot.entry.tags;
    if (tags.length === 0) return slot;
    const current = this.#versions.check(tags);
    if (current === true) return slot;
    if (current === false) this.#store.delete(fullKey); // invalidated: it can never be current again
    return undefined;
  }

  /** Drops `fullKey` here only (an expired or unreadable entry). */
  drop(fullKey: string): void {
    this.#store.delete(fullKey);
  }

  /**
   * Keeps an entry just read from the L2 and found current there, with its tags' versions,
   * unless the epoch moved since `epoch` (the read began).
   */
  fill(fullKey: string, entry: CacheEntry, epoch: number): void {
    if (epoch !== this.#epoch || !this.#bus.connected) return;
    this.#put(fullKey, entry);
    this.#versions.learn(entry.tags);
  }

  /**
   * After this instance wrote `fullKey` to the L2 (the write began at `epoch`): keeps the entry
   * unless something changed meanwhile (then drops the older copy), and tells the other instances. Its tag versions are not
   * learnt (they were captured before the value was loaded): until a read of the L2 confirms
   * them, an entry with tags is answered by the L2.
   */
  wrote(fullKey: string, entry: CacheEntry, epoch: number): void {
    if (epoch === this.#epoch && this.#bus.connected) this.#put(fullKey, entry);
    else this.#store.delete(fullKey); // whatever copy is here is older than what the L2 now has
    this.#epoch++;
    this.#bus.publish({ kind: 'write', keys: [fullKey] });
  }

  /** After this instance deleted `fullKeys` from the L2. */
  deleted(fullKeys: readonly string[]): void {
    for (const key of fullKeys) this.#store.delete(key);
    this.#epoch++;
    this.#bus.publish({ kind: 'delete', keys: fullKeys });
  }

  /** After this instance deleted the keys matching `pattern` (full-key glob) from the L2. */
  deletedPattern(pattern: string): void {
    this.#store.deletePattern(pattern);
    this.#epoch++;
    this.#bus.publish({ kind: 'pattern', pattern });
  }

  /** After this instance gave tags new versions in the L2 (`[tagKey, version]` pairs). */
  invalidated(versions: readonly (readonly [tagKey: string, version: string])[]): void {
    this.#forgetTags(versions);
    this.#epoch++;
    this.#bus.publish({ kind: 'tags', versions });
  }

  /** Drops everything and stops listening to the bus (closes it). */
  async close(): Promise<void> {
    this.#reset();
    await this.#bus.close();
  }

  #put(fullKey: string, entry: CacheEntry): void {
    const lifetime = entry.staleUntil - Date.now();
    if (lifetime <= 0) return;
    const ttlMs = this.#ttlMs === undefined ? lifetime : Math.min(lifetime, this.#ttlMs);
    let size = ENTRY_OVERHEAD + entry.payload.byteLength;
    for (const stamp of entry.tags) size += stamp.name.length + stamp.version.length;
    this.#store.set(fullKey, { entry, size }, ttlMs);
  }

  #apply(message: BusMessage): void {
    this.#epoch++;
    switch (message.kind) {
      case 'tags':
        this.#forgetTags(message.versions);
        return;
      case 'delete':
      case 'write':
        for (const key of message.keys) this.#store.delete(key);
        return;
      case 'pattern':
        this.#store.deletePattern(message.pattern);
        return;
      case 'clear':
        this.#store.clear();
        this.#versions.clear();
        return;
    }
  }

  #forgetTags(versions: readonly (readonly [tagKey: string, version: string])[]): void {
    const prefix = this.#tagKeyPrefix;
    for (const [tagKey] of versions) {
      // Another namespace's tag on a shared bus: not ours.
      if (tagKey.startsWith(prefix)) this.#versions.forget(tagKey.slice(prefix.length));
    }
  }

  /** The bus connected or disconnected: whatever was missed meanwhile is unknown. */
  #reset(): void {
    this.#epoch++;
    this.#store.clear();
    this.#versions.clear();
  }
}
