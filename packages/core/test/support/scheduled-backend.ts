import type fc from 'fast-check';
import type { CacheBackend, Result, TaggedRead } from '../../src/backend.js';
import { decodeEntry } from '../../src/entry/entry-codec.js';

/**
 * Delays each backend call's effect and its answer at the scheduler's choosing. With `tagged`,
 * it also offers `getTagged` the way a network backend does: with a hint, the entry and each
 * hinted version are separate requests the scheduler may run in any order (as on a cluster or
 * several memcached servers); without, the entry, then the versions its header names.
 */
export function scheduledBackend(inner: CacheBackend, s: fc.Scheduler, tagged = false): CacheBackend {
  const step = async <T>(run: () => Promise<Result<T>>): Promise<Result<T>> => {
    await s.schedule(Promise.resolve());
    const result = await run();
    return s.schedule(Promise.resolve(result));
  };
  const getTagged = async (
    key: string,
    prefix: string,
    hint?: readonly string[],
  ): Promise<Result<TaggedRead | undefined>> => {
    if (hint !== undefined) {
      const [entry, ...versions] = await Promise.all([
        step(() => inner.get(key)),
        ...hint.map((name) => step(() => inner.get(prefix + name))),
      ]);
      if (!entry!.ok) return entry!;
      if (entry!.value === undefined) return { ok: true, value: undefined };
      const tagVersions = versions.map((v) => (v.ok ? v.value : undefined));
      return { ok: true, value: { entry: entry!.value, tagVersions, tagNames: hint } };
    }
    const entry = await step(() => inner.get(key));
    if (!entry.ok || entry.value === undefined) return entry as Result<undefined>;
    const names = decodeEntry(entry.value).tags.map((t) => prefix + t.name);
    const versions = await step(() => inner.getMany(names));
    if (!versions.ok) return versions;
    return { ok: true, value: { entry: entry.value, tagVersions: versions.value } };
  };
  return {
    name: inner.name,
    capabilities: inner.capabilities,
    get: (k) => step(() => inner.get(k)),
    getMany: (k) => step(() => inner.getMany(k)),
    set: (k, v, t) => step(() => inner.set(k, v, t)),
    add: (k, v, t) => step(() => inner.add(k, v, t)),
    delete: (k) => step(() => inner.delete(k)),
    deletePattern: (p) => step(() => inner.deletePattern(p)),
    incr: (k, b, t) => step(() => inner.incr(k, b, t)),
    health: () => inner.health(),
    close: () => inner.close(),
    ...(tagged && { getTagged }),
  };
}
