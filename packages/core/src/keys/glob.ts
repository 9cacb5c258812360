/**
 * The service's glob language for `deletePattern`: `*` matches any run of characters, `?`
 * exactly one, `\` makes the next character literal. Nothing else is special, so `[`, `]`,
 * `{`, `^` in user input can never widen a pattern.
 */

const GLOB_SPECIAL = /[*?\\]/g;

/** Escapes `*`, `?` and `\` so that `value` matches only itself inside a pattern. */
export function escapePattern(value: string): string {
  return value.replace(GLOB_SPECIAL, '\\$&');
}

/** Compiles a pattern of the service's glob language to an anchored regular expression. */
export function globToRegExp(pattern: string): RegExp {
  let source = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[++i]!);
    } else if (ch === '*') {
      source += '[\\s\\S]*';
    } else if (ch === '?') {
      source += '[\\s\\S]';
    } else {
      source += escapeRegExp(ch);
    }
  }
  return new RegExp(`${source}$`);
}

/**
 * Rewrites a pattern of the service's glob language for Redis `MATCH`, whose language also
 * treats `[`, `]` and `^` as special: those are escaped, so the meaning is unchanged.
 */
export function globToRedisPattern(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) {
      out += `\\${pattern[++i]!}`;
    } else if (ch === '*' || ch === '?') {
      out += ch;
    } else if (ch === '[' || ch === ']' || ch === '^' || ch === '\\') {
      out += `\\${ch}`;
    } else {
      out += ch;
    }
  }
  return out;
}

function escapeRegExp(ch: string): string {
  return /[.*+?^${}()|[\]\\/-]/.test(ch) ? `\\${ch}` : ch;
}
