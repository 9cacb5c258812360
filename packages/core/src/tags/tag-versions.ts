import { randomBytes } from 'node:crypto';
import type { TagStamp } from '../entry/entry-codec.js';
import { CacheError } from '../errors.js';
import { err, OK_VOID, ok, type Result } from '../result.js';
import { type BackendCapabilities, type CacheBackend, INTERNAL_KEY_PREFIX } from '../types/backend.js';
import { sameNames } from './tag-hints.js';

const decoder = new TextDecoder();
const encoder = new TextEncoder();
/** Length of a version token (`newVersion`): 8 base-36 time digits, a dot, 8 random characters. */
const VERSION_LENGTH = 17;

/**
 * Versioned tags (Symfony's TagAwareAdapter design). Each tag has a version: a random token,
 * stored at `__tc:t:<prefix>|<tag>`. Invalidating a tag writes a new token: O(1), whatever the
 * number of entries. An entry records its tags' versions as they were *before* its value was
 * loaded, and is a miss as soon as one differs or is missing.
 *
 * A missing version (never set, expired or evicted) is created as a fresh token, so an old
 * entry can never come back to life. Tokens begin with their creation time, which lets tags
 * discovered during a load be checked for an invalidation that happened meanwhile.
 */
export class TagVersions {
  /** Prefix of tag version keys; backends' `getTagged` reads `keyPrefix + name`. */
  readonly keyPrefix: string;
  readonly #backend: CacheBackend;
  readonly #ttlMs: number;
  readonly #limit: BackendCapabilities['tagLimit'];

  /** `namespace`: the service's prefix and its terminator (`keys/namespace.ts`). */
  constructor(backend: CacheBackend, namespace: string, ttlMs: number) {
    this.#backend = backend;
    this.keyPrefix = `${INTERNAL_KEY_PREFIX}t:${namespace}`;
    this.#ttlMs = ttlMs;
    this.#limit = backend.capabilities.tagLimit;
  }

  key(tag: string): string {
    return this.keyPrefix + tag;
  }

  /**
   * The current version of each tag, creating missing ones. Call it before loading the value
   * that will be stored with these versions. `createdAt` is the time stamped on created
   * versions: callers pass their load's start minus the clock skew, so that creating a missing
   * version never looks like an invalidation to a load with run-time tags.
   */
  async capture(tags: readonly string[], createdAt = Date.now()): Promise<Result<TagStamp[]>> {
    if (tags.length === 0) return ok([]);
    const tooMany = this.#beyondLimit(tags);
    if (tooMany !== undefined) return err(tooMany);
    const current = await this.#backend.getMany(tags.map((t) => this.key(t)));
    if (!current.ok) return current;
    const stamps: TagStamp[] = new Array(tags.length);
    for (let i = 0; i < tags.length; i++) {
      const name = tags[i]!;
      const bytes = current.value[i];
      if (bytes !== undefined) {
        stamps[i] = { name, version: decoder.decode(bytes) };
        continue;
      }
      const created = await this.#create(name, createdAt);
      if (!created.ok) return created;
      stamps[i] = { name, version: created.value };
    }
    return ok(stamps);
  }

  /**
   * Versions of tags discovered while a value was being loaded (the load began at
   * `loadStartedAt`). Fails with `undefined` when one of them changed after the load began
   * (minus `skewMs` for clocks that disagree): storing that value could outlive the
   * invalidation, so it must not be stored.
   */
  async captureLate(
    tags: readonly string[],
    loadStartedAt: number,
    skewMs: number,
  ): Promise<Result<TagStamp[] | undefined>> {
    const stamps = await this.capture(tags, loadStartedAt - skewMs);
    if (!stamps.ok) return stamps;
    for (const stamp of stamps.value) {
      if (versionTime(stamp.version) > loadStartedAt - skewMs) return ok(undefined);
    }
    return stamps;
  }

  /** Whether every stamp still matches the stored versions (`current` in the same order). */
  static matches(stamps: readonly TagStamp[], current: readonly (Uint8Array | undefined)[]): boolean {
    for (let i = 0; i < stamps.length; i++) if (!sameVersion(current[i], stamps[i]!.version)) return false;
    return true;
  }

  /**
   * Checks stamps against versions read for other names (a backend's answer to a tag-name
   * hint, `names[i]`'s version in `current[i]`): compared where the names match, read from the
   * backend for stamps whose tag was not among `names`.
   */
  async verifyRead(
    stamps: readonly TagStamp[],
    names: readonly string[],
    current: readonly (Uint8Array | undefined)[],
  ): Promise<Result<boolean>> {
    if (sameNames(stamps, names)) return ok(TagVersions.matches(stamps, current));
    const unread: TagStamp[] = [];
    for (const stamp of stamps) {
      const i = names.indexOf(stamp.name);
      if (i < 0) unread.push(stamp);
      else if (!sameVersion(current[i], stamp.version)) return ok(false);
    }
    return this.verify(unread);
  }

  /** Reads the current versions of `stamps`' tags and compares them. */
  async verify(stamps: readonly TagStamp[]): Promise<Result<boolean>> {
    if (stamps.length === 0) return ok(true);
    const current = await this.#backend.getMany(stamps.map((s) => this.key(s.name)));
    if (!current.ok) return current;
    return ok(TagVersions.matches(stamps, current.value));
  }

  /** New versions for `tags`, as `[tagKey, version]` pairs, to {@link write}. */
  renew(tags: readonly string[]): [tagKey: string, version: string][] {
    const now = Date.now();
    return tags.map((tag) => [this.key(tag), newVersion(now)]);
  }

  /**
   * Stores versions made by {@link renew}: every entry stamped with an older one is now a miss.
   * Invalidating a tag is `write(renew(tags))`.
   */
  async write(versions: readonly (readonly [tagKey: string, version: string])[]): Promise<Result<void>> {
    const results = await Promise.all(
      versions.map(([key, version]) => this.#backend.set(key, encoder.encode(version), this.#ttlMs)),
    );
    for (const result of results) if (!result.ok) return result;
    return OK_VOID;
  }

  /** Gives every tag a new version: every entry stamped with an older one is now a miss. */
  invalidate(tags: readonly string[]): Promise<Result<void>> {
    return this.write(this.renew(tags));
  }

  /**
   * Refuses tags whose version records the backend could not keep without evicting every other
   * entry's (its `tagLimit`): the value is then not stored, and the caller logs a warning.
   * Counted in the units the memory backend bounds: key and version lengths.
   */
  #beyondLimit(tags: readonly string[]): CacheError | undefined {
    const limit = this.#limit;
    if (limit === undefined) return undefined;
    let bytes = 0;
    for (const tag of tags) bytes += this.keyPrefix.length + tag.length + VERSION_LENGTH;
    if (tags.length <= limit.count && bytes <= limit.bytes) return undefined;
    return new CacheError(
      'VALUE_TOO_LARGE',
      `an entry with ${tags.length} tags (${bytes} bytes of tag versions) is more than the ${this.#backend.name} backend keeps for one entry (${limit.count} tags, ${limit.bytes} bytes), so that its tags cannot evict every other entry's: tag it by a coarser rule, or raise the backend's record limits`,
      { backend: this.#backend.name },
    );
  }

  async #create(tag: string, createdAt: number): Promise<Result<string>> {
    const version = newVersion(createdAt);
    const added = await this.#backend.add(this.key(tag), encoder.encode(version), this.#ttlMs);
    if (!added.ok) return added;
    if (added.value) return ok(version);
    // Somebody created or invalidated it meanwhile: theirs wins.
    const stored = await this.#backend.get(this.key(tag));
    if (!stored.ok) return stored;
    if (stored.value === undefined) {
      return err(
        new CacheError('BACKEND', `tag version for '${tag}' vanished while being created`, {
          key: this.key(tag),
        }),
      );
    }
    return ok(decoder.decode(stored.value));
  }
}

/** Whether stored version bytes spell a version string, compared without decoding (versions are ASCII). */
export function sameVersion(bytes: Uint8Array | undefined, text: string): boolean {
  if (bytes === undefined || bytes.length !== text.length) return false;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== text.charCodeAt(i)) return false;
  return true;
}

/** `<epoch ms, base 36>.<random>`: unique, and says when it was made. */
function newVersion(now: number): string {
  return `${Math.max(0, now).toString(36)}.${randomBytes(6).toString('base64url')}`;
}

function versionTime(version: string): number {
  const dot = version.indexOf('.');
  const time = Number.parseInt(dot < 0 ? version : version.slice(0, dot), 36);
  // Unknown formats count as new: the caller then declines to store, which is safe.
  return Number.isFinite(time) ? time : Number.POSITIVE_INFINITY;
}
