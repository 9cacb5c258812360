import type { PurgeBatchLimits } from './purger.js';

/**
 * Takes the first tags of `pending` (insertion order) that fit one request under `limits`,
 * and removes them from it. A tag longer than `maxBytes` on its own still goes, alone: the
 * CDN, not the queue, decides whether it is too long.
 */
export function takeBatch(pending: Set<string>, limits: PurgeBatchLimits): string[] {
  const batch: string[] = [];
  let bytes = 0;
  for (const tag of pending) {
    const size = Buffer.byteLength(tag) + (batch.length > 0 ? 1 : 0);
    if (batch.length > 0 && limits.maxBytes !== undefined && bytes + size > limits.maxBytes) break;
    batch.push(tag);
    bytes += size;
    if (batch.length === limits.maxTags) break;
  }
  for (const tag of batch) pending.delete(tag);
  return batch;
}

/** Visible ASCII without commas or spaces: what any tag header can carry. */
const HEADER_SAFE = /^[\x21-\x2b\x2d-\x7e]+$/;

/**
 * Whether a tag can appear in a CDN tag header at all. The HTTP middleware leaves other tags
 * out of its header, so no CDN holds a response under them and the queue never sends them.
 */
export function isPurgeableTag(tag: string): boolean {
  return HEADER_SAFE.test(tag);
}
