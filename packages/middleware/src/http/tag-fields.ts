import type { CacheResponsesSettings } from './settings.js';
import type { HeaderList } from './stored-response.js';
import { tagHeaderValue } from './tag-header.js';

const NONE: HeaderList = Object.freeze([]);

/**
 * The tag header field for these tags, as configured (none when disabled or no valid tag).
 * The last clean result is kept per middleware: a route's tags rarely change between requests.
 */
export function tagHeaderFields(settings: CacheResponsesSettings, tags: readonly string[]): HeaderList {
  const format = settings.tagHeader;
  if (format === undefined || tags.length === 0) return NONE;
  const memo = settings.memo;
  if (memo.tags !== undefined && sameTags(memo.tags, tags)) return memo.fields;
  const { value, clean } = tagHeaderValue(tags, format, settings.tagHeaderLimit, settings.logger);
  const fields: HeaderList = value === undefined ? NONE : [[format.name.toLowerCase(), value]];
  if (clean) {
    memo.tags = tags;
    memo.fields = fields;
  }
  return fields;
}

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
