/**
 * Cache directives as freshness reads them (RFC 9111 §5.2, RFC 9213 §2): every value kept as
 * sent (quotes included), and a directive given twice marked {@link DUPLICATE}, so an invalid or
 * ambiguous value can be told apart from an absent one.
 */
export type Directives = ReadonlyMap<string, string | true | typeof DUPLICATE>;

/** A directive that appeared more than once (RFC 9111 §4.2.1: the response is then stale). */
export const DUPLICATE: unique symbol = Symbol('duplicate directive');

/** Largest delta-seconds a cache must represent (RFC 9111 §1.2.2); larger values read as this. */
const MAX_DELTA_SECONDS = 2_147_483_648;

/** `Cache-Control` (or a targeted field) split into directives; `undefined` for none. */
export function parseDirectives(header: string | undefined): Directives | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const directives = new Map<string, string | true | typeof DUPLICATE>();
  for (const item of splitMembers(header)) {
    const eq = item.indexOf('=');
    const name = (eq === -1 ? item : item.slice(0, eq)).trim().toLowerCase();
    if (name === '') continue;
    const value = eq === -1 ? true : item.slice(eq + 1).trim();
    directives.set(name, directives.has(name) ? DUPLICATE : value);
  }
  return directives;
}

/** Splits on commas outside double quotes (`private="a, b"` is one member). */
function splitMembers(header: string): string[] {
  const members: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const char = header[i];
    if (char === '"' && header[i - 1] !== '\\') quoted = !quoted;
    else if (char === ',' && !quoted) {
      members.push(header.slice(start, i));
      start = i + 1;
    }
  }
  members.push(header.slice(start));
  return members;
}

/**
 * A delta-seconds directive: `undefined` when absent, `null` when present but invalid (quoted,
 * negative, not digits, valueless or duplicated), else its value capped at 2^31 seconds.
 */
export function deltaDirective(directives: Directives | undefined, name: string): number | null | undefined {
  const value = directives?.get(name);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return null;
  return Math.min(Number(value), MAX_DELTA_SECONDS);
}

/** sf-key of a Structured Field Dictionary (RFC 8941 §3.2). */
const SF_KEY = /^[a-z*][a-z0-9_\-.*]*$/;
/** Member values a targeted field may carry: sf-integer, sf-decimal, sf-token, sf-string, ?0/?1. */
const SF_ITEM =
  /^(?:-?\d{1,15}(?:\.\d{1,3})?|[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*|"(?:[^"\\]|\\["\\])*"|\?[01])$/;

/**
 * A targeted cache-control field (RFC 9213 §2.1: a Structured Field Dictionary), or
 * `undefined` when the value is empty or does not parse (the field is then ignored).
 */
export function parseTargeted(header: string | undefined): Directives | undefined {
  const directives = parseDirectives(header);
  if (directives === undefined || directives.size === 0) return undefined;
  for (const item of splitMembers(header as string)) {
    const eq = item.indexOf('=');
    const name = (eq === -1 ? item : item.slice(0, eq)).trim();
    const params = eq === -1 ? '' : item.slice(eq + 1).trim();
    // Parameters (`;a=b`) are allowed by the syntax and ignored here.
    const value = params.split(';')[0]!.trim();
    if (!SF_KEY.test(name) || (eq !== -1 && !SF_ITEM.test(value))) return undefined;
  }
  return directives;
}
