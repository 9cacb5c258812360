import type { CacheEntry } from '../entry/entry-codec.js';
import type { Serializer } from '../serializers/serializer.js';
import { NOT_PLAIN, plainCopy } from './plain-copy.js';

/** Serializers whose output is plain data trees (what {@link plainCopy} copies exactly). */
const TREE_SERIALIZERS: ReadonlySet<string> = new Set(['json', 'msgpack', 'json+z', 'msgpack+z']);

/**
 * How a reader gets a value kept decoded in-process (memory backend, L1 tier) without being able
 * to change what the next reader gets: with `sharedValues`, the kept object itself; otherwise a
 * {@link plainCopy} of it, or, for values it cannot copy (class instances, other serializers),
 * the stored bytes deserialized again.
 */
export class ValueCopies {
  readonly #serializer: Serializer;
  readonly #shared: boolean;
  readonly #plain: boolean;

  constructor(serializer: Serializer, shared: boolean) {
    this.#serializer = serializer;
    this.#shared = shared;
    this.#plain = TREE_SERIALIZERS.has(serializer.name);
  }

  /** The value a reader gets for `kept` (the entry's decoded value). May throw (deserializing). */
  of(kept: unknown, entry: CacheEntry): unknown {
    if (this.#shared || typeof kept !== 'object' || kept === null) return kept;
    if (this.#plain) {
      const copy = plainCopy(kept);
      if (copy !== NOT_PLAIN) return copy;
    }
    return this.#serializer.deserialize(entry.payload);
  }
}
