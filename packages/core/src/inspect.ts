import type { CacheCore } from './cache-core.js';
import { decodeEntry } from './entry/entry-codec.js';
import { CacheError } from './errors.js';

/**
 * What {@link CacheService.inspect} found at a key: the decoded value and its entry's facts.
 * For diagnostics (the dashboard's value preview, a REPL), not for serving.
 */
export interface InspectedEntry {
  /** The key as your code passes it (`user:42`). */
  readonly key: string;
  /** The key in the backend: the service's prefix, `|`, then `key` (`shop:|user:42`). */
  readonly backendKey: string;
  /** The value, deserialized afresh (changing it changes nothing in the cache). */
  readonly value: unknown;
  /** The names of the tags it was stored with. */
  readonly tags: readonly string[];
  /** When it was stored, ms since the epoch. */
  readonly createdAt: number;
  /** Until then it is fresh, ms since the epoch. */
  readonly freshUntil: number;
  /** Until then it may be served stale (grace); `freshUntil` without grace. */
  readonly staleUntil: number;
  /** `stale`: past `freshUntil`, inside the grace period. */
  readonly state: 'fresh' | 'stale';
}

/**
 * Reads the entry at `key` as a read accepting stale values would, without being one: no hit
 * or miss is counted or emitted, no loader runs, and on backends that can peek (`peek`, the
 * memory backend) the entry keeps its place in the LRU. Other backends are read with a plain
 * `get` (Redis and memcached count that as an access). `undefined` when there is no usable
 * value: absent, expired past its grace, invalidated by a tag, unreadable, or the backend
 * failed (failures are reported like any other: logged, counted, `error` event).
 */
export async function inspectEntry(core: CacheCore, key: string): Promise<InspectedEntry | undefined> {
  const backendKey = core.fullKey(key);
  const backend = core.backend;
  const read = await (backend.peek ? backend.peek(backendKey) : backend.get(backendKey));
  if (!read.ok) return failed(core, read.error, backendKey);
  if (read.value === undefined) return undefined;
  try {
    const entry = decodeEntry(read.value);
    const now = Date.now();
    if (now >= entry.staleUntil && now >= entry.freshUntil) return undefined;
    if (entry.serializer !== core.settings.serializer.name) return undefined;
    if (entry.tags.length > 0) {
      const current = await core.tags.verify(entry.tags);
      if (!current.ok) return failed(core, current.error, backendKey);
      if (!current.value) return undefined;
    }
    return {
      key,
      backendKey,
      value: core.settings.serializer.deserialize(entry.payload),
      tags: entry.tags.map((t) => t.name),
      createdAt: entry.createdAt,
      freshUntil: entry.freshUntil,
      staleUntil: entry.staleUntil,
      state: now < entry.freshUntil ? 'fresh' : 'stale',
    };
  } catch (error) {
    return failed(core, CacheError.from(error, 'SERIALIZATION', { key: backendKey }), backendKey);
  }
}

function failed(core: CacheCore, error: CacheError, backendKey: string): undefined {
  core.fail(error, 'inspect', backendKey);
  return undefined;
}
