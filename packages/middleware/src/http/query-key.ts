import { escapeKeyPart } from './key-template.js';

/** Query parsers stop at this many parameters (qs `parameterLimit`, `querystring` `maxKeys`). */
const PARSER_LIMIT = 1000;

/**
 * The query part of the default key: the raw `name=value` pairs as sent (percent-encoding
 * kept, so `caf%E9` and `caf%E8` differ although `URLSearchParams` decodes both to U+FFFD),
 * empty pairs dropped, stably sorted by root name (the decoded name up to its first `[` or
 * `.`), so that `?b=2&a=1` and `?a=1&b=2` share an entry while `?a=x&a[]=y` and `?a[]=y&a=x`
 * (which qs merges in order) do not. Past the parsers' 1,000-parameter limit the order is
 * kept as sent (which parameters a parser drops depends on it). `''` when nothing is left.
 */
export function queryKeyPart(search: string): string {
  const pairs = search.split('&').filter((pair) => pair !== '');
  if (pairs.length < 2 || pairs.length > PARSER_LIMIT) return pairs.map(escapePair).join('&');
  // Array.prototype.sort is stable: pairs under one root keep their order.
  const rooted = pairs.map((pair) => [rootName(pair), pair] as const);
  rooted.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return rooted.map((entry) => escapePair(entry[1])).join('&');
}

/** The name a parser files a pair under: decoded, up to the first `[` or `.` (qs brackets and dots). */
function rootName(pair: string): string {
  const eq = pair.indexOf('=');
  let name = eq === -1 ? pair : pair.slice(0, eq);
  if (name.includes('%') || name.includes('+')) name = decodeLoosely(name);
  const cut = name.search(/[[.]/);
  return cut > 0 ? name.slice(0, cut) : name;
}

function decodeLoosely(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** A raw pair escaped for the key (`%` itself is escaped, so raw and decoded forms cannot meet). */
function escapePair(pair: string): string {
  const eq = pair.indexOf('=');
  return eq === -1
    ? escapeKeyPart(pair)
    : `${escapeKeyPart(pair.slice(0, eq))}=${escapeKeyPart(pair.slice(eq + 1))}`;
}
