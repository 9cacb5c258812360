/** Directives of a `Cache-Control` header: names in lower case, `true` for valueless ones. */
export type CacheControl = ReadonlyMap<string, string | true>;

const EMPTY: CacheControl = new Map();

/** Parses `Cache-Control` (`no-store, s-maxage=60, private="x"`); unknown input gives no directives. */
export function parseCacheControl(header: string | undefined): CacheControl {
  if (header === undefined || header === '') return EMPTY;
  const directives = new Map<string, string | true>();
  for (const item of header.split(',')) {
    const eq = item.indexOf('=');
    const name = (eq === -1 ? item : item.slice(0, eq)).trim().toLowerCase();
    if (name === '') continue;
    const raw = eq === -1 ? undefined : item.slice(eq + 1).trim();
    directives.set(name, raw === undefined ? true : raw.replace(/^"(.*)"$/, '$1'));
  }
  return directives;
}
