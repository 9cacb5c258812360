import { Packr } from 'msgpackr';
import type { Serializer } from './serializer.js';

/**
 * MessagePack through msgpackr: compact and fast, round-trips Date, BigInt, Map, Set and
 * binary data. Safe to read from an untrusted store (it builds data, never code).
 */
export class MsgpackSerializer implements Serializer {
  readonly name = 'msgpack';
  readonly #packr = new Packr({
    moreTypes: true,
    useRecords: false,
    mapsAsObjects: true,
    largeBigIntToString: false,
    useBigIntExtension: true,
  });

  serialize(value: unknown): Uint8Array {
    return this.#packr.pack(value);
  }

  deserialize(bytes: Uint8Array): unknown {
    return this.#packr.unpack(bytes);
  }
}
