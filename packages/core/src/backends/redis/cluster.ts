import type { Cluster, Redis } from 'ioredis';
import { entryTagNames } from '../../entry/entry-codec.js';
import { INTERNAL_KEY_PREFIX, type TaggedRead } from '../../types/backend.js';
import type { IoredisClient } from './redis-client.js';

/**
 * Redis Cluster specifics. An entry and its tags' version keys hash to different slots (tags
 * are shared by entries all over the key space), so a Lua script cannot read them together.
 * On a cluster the backend therefore reads them per slot: the entry first, then every tag
 * version in parallel (ioredis routes each key to its master; with auto-pipelining, commands
 * of one tick to one master travel together). A tagged get costs two round trips there, one
 * on a single node.
 */

/** SCAN + UNLINK on one node, in batches; returns how many keys were removed. */
export async function deleteMatching(
  node: Redis,
  redisPattern: string,
  batchSize: number,
  perKey: boolean,
): Promise<number> {
  let cursor = '0';
  let removed = 0;
  do {
    const [next, found] = await node.scan(cursor, 'MATCH', redisPattern, 'COUNT', batchSize);
    cursor = next;
    const keys = found.filter((key) => !key.startsWith(INTERNAL_KEY_PREFIX));
    if (keys.length === 0) continue;
    if (perKey) {
      // Cluster nodes refuse multi-key commands across slots (CROSSSLOT): one UNLINK per key,
      // pipelined on this node's connection.
      const replies = await node.pipeline(keys.map((key) => ['unlink', key])).exec();
      for (const [error, count] of replies ?? []) {
        if (error) throw error;
        removed += Number(count);
      }
    } else {
      removed += await node.unlink(...keys);
    }
  } while (cursor !== '0');
  return removed;
}

/** The nodes to scan: every master of a cluster, or the single node. */
export function scanTargets(client: IoredisClient): Redis[] {
  return client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
}

/** Several keys on a cluster: one GET per key, in parallel (MGET would fail with CROSSSLOT). */
export function clusterGetMany(client: Cluster, keys: readonly string[]): Promise<(Buffer | null)[]> {
  return Promise.all(keys.map((key) => client.getBuffer(key)));
}

/** The entry, then its tags' versions per slot (see the module comment). */
export async function clusterGetTagged(
  client: Cluster,
  key: string,
  tagKeyPrefix: string,
): Promise<TaggedRead | undefined> {
  const entry = await client.getBuffer(key);
  if (entry === null) return undefined;
  let names: string[];
  try {
    names = entryTagNames(entry);
  } catch {
    // Foreign bytes: the service decodes the entry again and reports it.
    return { entry, tagVersions: [] };
  }
  if (names.length === 0) return { entry, tagVersions: [] };
  const versions = await clusterGetMany(
    client,
    names.map((name) => tagKeyPrefix + name),
  );
  return { entry, tagVersions: versions.map((v) => v ?? undefined) };
}
