import { CacheUsageError } from '../errors.js';

/** A duration: a number of seconds, or a string such as `'500ms'`, `'30s'`, `'5m'`, `'1h'`, `'7d'`. */
export type Duration = number | `${number}${DurationUnit}` | `${number} ${DurationUnit}`;

/** Units a duration string may use. */
export type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd';

const UNIT_MS: Record<DurationUnit, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** Positive duration strings already parsed (a handful in any program; bounded anyway). */
const parsed = new Map<string, number>();
const MAX_PARSED = 256;
const PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/;

/**
 * Converts a {@link Duration} to milliseconds. Numbers are seconds. Throws a
 * {@link CacheUsageError} naming `field` for anything that is not a finite positive duration
 * (or zero, when `allowZero`).
 */
export function toMilliseconds(duration: Duration, field: string, allowZero = false): number {
  let ms: number;
  if (typeof duration === 'number') {
    ms = duration * 1_000;
  } else if (typeof duration === 'string') {
    // Options such as `{ ttl: '10m' }` come with every call: parse each string once.
    const known = parsed.get(duration);
    if (known !== undefined) return known;
    const match = PATTERN.exec(duration);
    if (!match) {
      throw new CacheUsageError(
        `expected a duration such as 30, '30s', '5m' or '1h', got '${duration}'`,
        field,
      );
    }
    ms = Number(match[1]) * UNIT_MS[match[2] as DurationUnit];
  } else {
    throw new CacheUsageError(
      `expected a duration (seconds or a string such as '5m'), got ${typeof duration}`,
      field,
    );
  }
  if (!Number.isFinite(ms) || ms < 0 || (ms === 0 && !allowZero)) {
    throw new CacheUsageError(
      `expected a finite ${allowZero ? 'non-negative' : 'positive'} duration, got ${String(duration)}`,
      field,
    );
  }
  const result = Math.round(ms);
  if (typeof duration === 'string' && result > 0) {
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(duration, result);
  }
  return result;
}

/** Like {@link toMilliseconds}, with `undefined` mapped to `fallback`. */
export function optionalMilliseconds(
  duration: Duration | undefined,
  field: string,
  fallback: number,
  allowZero = false,
): number {
  return duration === undefined ? fallback : toMilliseconds(duration, field, allowZero);
}
