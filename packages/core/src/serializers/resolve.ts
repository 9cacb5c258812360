import { CacheUsageError } from '../errors.js';
import { CompressingSerializer, type CompressionOptions } from './compressing.js';
import { JsonSerializer } from './json.js';
import { MsgpackSerializer } from './msgpack.js';
import type { Serializer } from './serializer.js';
import { V8Serializer } from './v8.js';

/** A serializer by name, or your own. */
export type SerializerOption = 'json' | 'msgpack' | 'v8' | Serializer;

/**
 * Builds the serializer a service uses. `v8` is refused unless `allowV8` (it is the pickle of
 * Node: never for data another program could have written).
 */
export function resolveSerializer(
  option: SerializerOption | undefined,
  allowV8: boolean,
  compress: CompressionOptions | boolean | undefined,
  field = 'serializer',
): Serializer {
  let serializer: Serializer;
  switch (option) {
    case undefined:
    case 'json':
      serializer = new JsonSerializer();
      break;
    case 'msgpack':
      serializer = new MsgpackSerializer();
      break;
    case 'v8':
      if (!allowV8) {
        throw new CacheUsageError(
          "'v8' can run into unsafe data from a shared store; set allowV8: true to opt in",
          field,
        );
      }
      serializer = new V8Serializer();
      break;
    default:
      if (
        typeof option !== 'object' ||
        option === null ||
        typeof option.serialize !== 'function' ||
        typeof option.deserialize !== 'function' ||
        typeof option.name !== 'string'
      ) {
        throw new CacheUsageError(
          `expected 'json', 'msgpack', 'v8' or a Serializer { name, serialize, deserialize }, got ${JSON.stringify(option)}`,
          field,
        );
      }
      if (option instanceof V8Serializer && !allowV8) {
        throw new CacheUsageError('V8Serializer needs allowV8: true', field);
      }
      serializer = option;
  }
  if (compress === undefined || compress === false) return serializer;
  return new CompressingSerializer(serializer, compress === true ? {} : compress);
}
