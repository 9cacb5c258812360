import type { ResolvedSettings } from './settings.js';
import type { HeaderList } from './stored-response.js';
import { formatTagHeader } from './tag-header.js';

/** The tag header field for these tags, as configured (none when disabled or no valid tag). */
export function tagHeaderFields(settings: ResolvedSettings, tags: readonly string[]): HeaderList {
  const format = settings.tagHeader;
  if (format === undefined || tags.length === 0) return [];
  const value = formatTagHeader(tags, format, settings.tagHeaderLimit, settings.logger);
  return value === undefined ? [] : [[format.name.toLowerCase(), value]];
}
