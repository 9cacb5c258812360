import type { CacheCore } from '../cache-core.js';
import type { Loaded } from './single-flight.js';

/**
 * A joiner's own copy of what a flight loaded, so that no caller's mutation reaches another
 * (the leader keeps the object its loader returned): the bytes the flight stored (or, when it
 * stored none, the value serialized once by its first joiner) are deserialized once per joiner,
 * which is exactly what a read of the stored entry would return. Primitives need no copy; with `sharedValues` every caller gets
 * the one object, as every reader does. A value the serializer cannot encode (it was not stored
 * either) is handed to joiners as it is.
 */
export function copyForJoiner<T>(core: CacheCore, loaded: Loaded<T>): T {
  const value = loaded.value;
  if (typeof value !== 'object' || value === null || core.settings.sharedValues) return value;
  const serializer = core.settings.serializer;
  if (loaded.payload === undefined) {
    try {
      loaded.payload = serializer.serialize(value);
    } catch {
      loaded.payload = null; // the load reported it when storing, or never meant to store it
    }
  }
  if (loaded.payload === null) return value;
  try {
    return serializer.deserialize(loaded.payload) as T;
  } catch {
    loaded.payload = null; // a serializer that cannot read what it wrote: share the value as is
    return value;
  }
}
