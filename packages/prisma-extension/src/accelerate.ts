import { randomUUID } from 'node:crypto';
import { CacheUsageError } from '@tagcache/core';

/** What Prisma Accelerate's `$accelerate.invalidate` and `invalidateAll` resolve to. */
export interface AccelerateInvalidateResult {
  /** An id for this call (a random UUID here; Accelerate's is its request id). */
  readonly requestId: string;
}

/** Prisma Accelerate's `$accelerate` client property, backed by the cache. */
export interface AccelerateCompat {
  /** Drops every cached read tagged with one of `tags` (`cacheStrategy: { tags }`). */
  invalidate(input: { readonly tags: readonly string[] }): Promise<AccelerateInvalidateResult>;
  /** Drops every cached read of every model. */
  invalidateAll(): Promise<AccelerateInvalidateResult>;
}

/**
 * `prisma.$accelerate`: Accelerate's invalidation API on tagcache, so that code written for
 * Accelerate runs unchanged. `invalidate` drops the reads tagged with `tags`; `invalidateAll`
 * drops every model's reads (model-wide tags). Tags are checked as Accelerate checks them
 * (a non-empty array of strings) and a {@link CacheUsageError} names the field otherwise.
 */
export function accelerateCompat(
  invalidate: (tags: readonly string[]) => Promise<void>,
  everyModel: () => readonly string[],
): AccelerateCompat {
  return {
    async invalidate(input) {
      const tags = input?.tags;
      if (!Array.isArray(tags) || tags.length === 0 || tags.some((t) => typeof t !== 'string' || t === '')) {
        throw new CacheUsageError('expected a non-empty array of tag strings', '$accelerate.invalidate.tags');
      }
      await invalidate(tags);
      return { requestId: randomUUID() };
    },
    async invalidateAll() {
      await invalidate(everyModel());
      return { requestId: randomUUID() };
    },
  };
}
