import type { CacheEntry } from '../entry/entry-codec.js';
import type { Serializer } from '../serializers/serializer.js';

/**
 * How a reader gets a value kept decoded in-process (memory backend, L1 tier) without being able
 * to change what the next reader gets: with `sharedValues`, the kept object itself; otherwise
 * the serializer's {@link Serializer.copy} of it, or, for values it cannot copy (or a serializer
 * without `copy`), the stored bytes deserialized again.
 */
export class ValueCopies {
  readonly #serializer: Serializer;
  readonly #shared: boolean;

  constructor(serializer: Serializer, shared: boolean) {
    this.#serializer = serializer;
    this.#shared = shared;
  }

  /** The value a reader gets for `kept` (the entry's decoded value). May throw (deserializing). */
  of(kept: unknown, entry: CacheEntry): unknown {
    if (this.#shared || typeof kept !== 'object' || kept === null) return kept;
    const copy = this.#serializer.copy?.(kept);
    return copy !== undefined ? copy : this.#serializer.deserialize(entry.payload);
  }
}
