import { LRUCache } from 'lru-cache';
import type { TagStamp } from '../entry/entry-codec.js';

/**
 * The tag versions an L1 tier knows to be current, by tag name, so that it validates an entry
 * without a round trip. A version is learnt only from a read of the shared backend that began
 * after every change this instance has heard of (see `L1Tier.epoch`), and forgotten as soon as
 * the bus says the tag changed: an unknown version sends the read to the shared backend, which
 * learns it again. Bounded: a forgotten version costs one read of the shared backend, never a
 * wrong answer.
 */
export class LocalTagVersions {
  readonly #versions: LRUCache<string, string>;

  constructor(maxTags: number) {
    this.#versions = new LRUCache<string, string>({ max: maxTags });
  }

  /**
   * `true` when every stamp matches the known version, `false` when one is known to differ,
   * `undefined` when a version is unknown (ask the shared backend).
   */
  check(stamps: readonly TagStamp[]): boolean | undefined {
    let known = true;
    for (let i = 0; i < stamps.length; i++) {
      const stamp = stamps[i]!;
      const version = this.#versions.get(stamp.name);
      if (version === undefined) known = false;
      else if (version !== stamp.version) return false;
    }
    return known ? true : undefined;
  }

  /** Records versions read from the shared backend (the entry's stamps, just verified there). */
  learn(stamps: readonly TagStamp[]): void {
    for (const stamp of stamps) this.#versions.set(stamp.name, stamp.version);
  }

  /** Forgets a tag's version (it changed somewhere). */
  forget(name: string): void {
    this.#versions.delete(name);
  }

  /** Forgets every version. */
  clear(): void {
    this.#versions.clear();
  }

  /** Number of versions known. */
  get size(): number {
    return this.#versions.size;
  }
}
