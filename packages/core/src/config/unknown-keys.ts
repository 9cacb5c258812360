import { CacheUsageError } from '../errors.js';

/**
 * The names of every key of `T`, as a set, from a list the compiler checks: a list that misses
 * one does not compile, so an option added to a type cannot be refused as unknown.
 *
 * @example
 * ```ts
 * const KNOWN = everyKeyOf<{ a?: number; b?: string }>()(['a', 'b']);
 * ```
 */
export const everyKeyOf =
  <T>() =>
  <const L extends readonly (keyof T)[]>(
    keys: L & ([Exclude<keyof T, L[number]>] extends [never] ? unknown : never),
  ): ReadonlySet<string> =>
    new Set(keys as readonly PropertyKey[] as readonly string[]);

/**
 * Throws a `CacheUsageError` for the first own key of `value` not in `known` (an options
 * object from JavaScript, or spread from elsewhere, would otherwise have a typo ignored in
 * silence), naming it as `field.key`, the closest known key and every key `what` takes.
 */
export function refuseUnknownKeys(
  value: object,
  known: ReadonlySet<string>,
  what: string,
  field: string,
): void {
  for (const key of Object.keys(value)) {
    if (known.has(key)) continue;
    const near = closest(key, known);
    throw new CacheUsageError(
      `unknown key${near === undefined ? '' : ` (did you mean '${near}'?)`}; ${what} takes ${[...known].join(', ')}`,
      `${field}.${key}`,
    );
  }
}

/** The known key nearest to `key` (case aside, or at most two edits away), if any. */
function closest(key: string, known: ReadonlySet<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = candidate.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}
