import type { TagStamp } from '../entry/entry-codec.js';

const NO_TAGS: readonly string[] = Object.freeze([]);

/**
 * The tag names last seen in each key's entry, so that a network backend can read an entry
 * and its tags' versions together, in one plain round trip, instead of reading the names from
 * the header first (a Lua script on Redis, a second round trip elsewhere). A hint is only a
 * guess: an entry whose tags differ costs one more read, never a wrong answer.
 *
 * Bounded: past `maxKeys`, the key remembered first is forgotten first.
 */
export class TagHints {
  readonly #maxKeys: number;
  readonly #names = new Map<string, readonly string[]>();

  constructor(maxKeys = 10_000) {
    this.#maxKeys = maxKeys;
  }

  /** The names last seen for `key`, if remembered. */
  get(key: string): readonly string[] | undefined {
    return this.#names.get(key);
  }

  /** Remembers the tag names of `key`'s entry (cheap when they did not change). */
  remember(key: string, stamps: readonly TagStamp[]): void {
    const names = this.#names;
    const known = names.get(key);
    if (known !== undefined) {
      if (sameNames(stamps, known)) return;
    } else if (names.size >= this.#maxKeys) {
      const oldest = names.keys().next();
      if (!oldest.done) names.delete(oldest.value);
    }
    names.set(key, stamps.length === 0 ? NO_TAGS : stamps.map(nameOf));
  }

  /** Remembers tag names read for `key` (cheap when they did not change). */
  rememberNames(key: string, names: readonly string[]): void {
    const known = this.#names.get(key);
    if (known === names) return;
    if (known !== undefined && known.length === names.length && known.every((n, i) => n === names[i])) return;
    if (known === undefined && this.#names.size >= this.#maxKeys) {
      const oldest = this.#names.keys().next();
      if (!oldest.done) this.#names.delete(oldest.value);
    }
    this.#names.set(key, names.length === 0 ? NO_TAGS : [...names]);
  }

  /** Number of keys remembered. */
  get size(): number {
    return this.#names.size;
  }
}

/** Whether `stamps` name exactly `names`, in the same order. */
export function sameNames(stamps: readonly TagStamp[], names: readonly string[]): boolean {
  if (stamps.length !== names.length) return false;
  for (let i = 0; i < stamps.length; i++) if (stamps[i]!.name !== names[i]) return false;
  return true;
}

function nameOf(stamp: TagStamp): string {
  return stamp.name;
}
