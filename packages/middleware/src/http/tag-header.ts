import type { CacheLogger } from '@tagcache/core';
import type { TagHeaderFormat } from './options.js';

/** Visible ASCII: what a header value may carry (no CR, LF, NUL, space or non-ASCII). */
const VISIBLE = /^[\x21-\x7e]+$/;

/**
 * The tag header's value: tags deduplicated, each checked so it cannot inject a header or
 * split into two tags (visible ASCII only, no separator inside), and the list cut at a tag
 * boundary when it would exceed `limit` bytes (CDNs ignore or reject longer ones; a proxy
 * in front may answer 502). Dropped and cut tags are logged. `undefined` when none is left.
 */
export function formatTagHeader(
  tags: readonly string[],
  format: TagHeaderFormat,
  limit: number,
  logger: CacheLogger,
): string | undefined {
  return tagHeaderValue(tags, format, limit, logger).value;
}

/** {@link formatTagHeader}, and whether every tag made it in unchanged (nothing was logged). */
export function tagHeaderValue(
  tags: readonly string[],
  format: TagHeaderFormat,
  limit: number,
  logger: CacheLogger,
): { readonly value: string | undefined; readonly clean: boolean } {
  let value = '';
  const seen = new Set<string>();
  const invalid: string[] = [];
  let cut = 0;
  for (const tag of tags) {
    if (seen.has(tag)) continue;
    seen.add(tag);
    if (!VISIBLE.test(tag) || tag.includes(format.separator) || tag.includes(',')) {
      invalid.push(tag);
      continue;
    }
    const next = value === '' ? tag : `${value}${format.separator}${tag}`;
    if (next.length > limit) {
      cut++;
      continue;
    }
    value = next;
  }
  if (invalid.length > 0) {
    logger.warn(
      { header: format.name, tags: invalid.map((tag) => JSON.stringify(tag)) },
      'tagcache: tags left out of the tag header (control characters, spaces, commas or non-ASCII)',
    );
  }
  if (cut > 0) {
    logger.warn(
      { header: format.name, limit, cut },
      `tagcache: ${format.name} cut at a tag boundary: ${cut} tag(s) above the ${limit}-byte limit were left out`,
    );
  }
  return { value: value === '' ? undefined : value, clean: invalid.length === 0 && cut === 0 };
}

/** Tags added at run time (`res.locals.cacheTags`, `ctx.state.cacheTags`): a string, an array or a set. */
export function runtimeTagList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (Array.isArray(value) || value instanceof Set) {
    return [...value].filter((tag): tag is string => typeof tag === 'string' && tag !== '');
  }
  return [];
}
