import { entryTagNames } from '../../entry/entry-codec.js';
import type { TaggedRead } from '../../types/backend.js';
import type { MemjsClient } from './memcached-client.js';
import { memcachedKey } from './memcached-keys.js';

/**
 * Tagged reads on memcached, which has no scripts and (in memjs) no multi-get. memjs writes
 * every request to a server's socket at once, so requests made in the same tick travel
 * together and are answered in one round trip.
 *
 * - With a tag-name hint: the entry and every hinted tag version, requested together (one
 *   round trip); the reply carries `tagNames`.
 * - Without: the entry, then the versions of the tags its header names (two round trips).
 */
export function memcachedGetTagged(
  client: MemjsClient,
  key: string,
  tagKeyPrefix: string,
  hint: readonly string[] | undefined,
): Promise<TaggedRead | undefined> {
  if (hint === undefined) return readThenVersions(client, key, tagKeyPrefix);
  const entry = client.get(memcachedKey(key));
  if (hint.length === 0) return entry.then((reply) => untagged(reply.value, hint));
  const reads: Promise<Buffer | undefined>[] = new Array(hint.length);
  for (let i = 0; i < hint.length; i++) reads[i] = getValue(client, tagKeyPrefix + hint[i]);
  return Promise.all([entry, Promise.all(reads)]).then(([reply, tagVersions]) =>
    reply.value === null ? undefined : { entry: reply.value, tagVersions, tagNames: hint },
  );
}

const NO_VERSIONS: readonly (Uint8Array | undefined)[] = [];

function untagged(entry: Buffer | null, hint: readonly string[]): TaggedRead | undefined {
  return entry === null ? undefined : { entry, tagVersions: NO_VERSIONS, tagNames: hint };
}

function getValue(client: MemjsClient, key: string): Promise<Buffer | undefined> {
  return client.get(memcachedKey(key)).then((reply) => reply.value ?? undefined);
}

async function readThenVersions(
  client: MemjsClient,
  key: string,
  tagKeyPrefix: string,
): Promise<TaggedRead | undefined> {
  const entry = (await client.get(memcachedKey(key))).value;
  if (entry === null) return undefined;
  let names: string[];
  try {
    names = entryTagNames(entry);
  } catch {
    // Foreign bytes: the service decodes the entry again and reports it.
    return { entry, tagVersions: NO_VERSIONS };
  }
  if (names.length === 0) return { entry, tagVersions: NO_VERSIONS };
  const tagVersions = await Promise.all(names.map((name) => getValue(client, tagKeyPrefix + name)));
  return { entry, tagVersions };
}
