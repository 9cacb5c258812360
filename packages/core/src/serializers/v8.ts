import { deserialize, serialize } from 'node:v8';
import type { Serializer } from './serializer.js';

/**
 * Node's structured-clone format. Fast and broad, but like pickle it is not meant for data
 * another program may have written: the service refuses it unless `allowV8: true`.
 */
export class V8Serializer implements Serializer {
  readonly name = 'v8';

  serialize(value: unknown): Uint8Array {
    return serialize(value);
  }

  deserialize(bytes: Uint8Array): unknown {
    return deserialize(bytes);
  }
}
