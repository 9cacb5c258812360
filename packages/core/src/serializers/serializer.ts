/**
 * Turns values into bytes and back. `name` is stored with every entry, so an entry written
 * by another serializer is a miss instead of garbage.
 */
export interface Serializer {
  /** Identifies the format, e.g. `json`, `msgpack`, `json+deflate`. */
  readonly name: string;
  /** Throws (any error) for a value it cannot represent; the service reports `SERIALIZATION`. */
  serialize(value: unknown): Uint8Array;
  /** Throws for bytes it cannot read; the service treats the entry as a miss. */
  deserialize(bytes: Uint8Array): unknown;
  /**
   * Optional: a copy of `value`, an object this serializer's `deserialize` returned, equal to
   * what deserializing the same bytes again would give and sharing nothing mutable with
   * `value`; `undefined` when it cannot copy it. In-process hits (memory backend, L1) hand each
   * reader such a copy of the value they keep decoded, and deserialize again without it.
   */
  copy?(value: object): unknown;
}

/** Thrown by serializers for values they cannot represent, naming where in the value. */
export class UnserializableValueError extends TypeError {
  override readonly name = 'UnserializableValueError';
}
