import { Packr } from 'msgpackr';
import { NOT_PLAIN, plainCopy } from '../values/plain-copy.js';
import type { Serializer } from './serializer.js';

/**
 * MessagePack through msgpackr: compact and fast, round-trips Date, BigInt, Map, Set and
 * binary data. Safe to read from an untrusted store (it builds data, never code); for the
 * same reason, msgpackr renames object keys named `__proto__`.
 */
export class MsgpackSerializer implements Serializer {
  readonly name = 'msgpack';
  // Records (not msgpack maps) for objects, so that a Map stays a Map; every message carries its
  // own record structures, so any process can read it without shared state.
  readonly #packr = new Packr({
    useRecords: true,
    mapsAsObjects: false,
    moreTypes: true,
    useBigIntExtension: true,
  });

  serialize(value: unknown): Uint8Array {
    return this.#packr.pack(value);
  }

  deserialize(bytes: Uint8Array): unknown {
    return this.#packr.unpack(bytes);
  }

  /** A structural copy of what {@link deserialize} returned (plain data, `Date`, `Map`, `Set`, bytes). */
  copy(value: object): unknown {
    const copy = plainCopy(value);
    return copy === NOT_PLAIN ? undefined : copy;
  }
}
