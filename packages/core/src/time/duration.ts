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
 * The longest duration accepted: 10 years (`'3650d'`). Longer ones are a mistake (milliseconds
 * written as seconds); they would also overflow memcached's 32-bit expiry clock and, past about
 * 1e13 s, the entry header's timestamps.
 */
export const MAX_DURATION_MS: number = 3_650 * 86_400_000;

/**
 * Converts a {@link Duration} to whole milliseconds (rounded). Numbers are seconds. Throws a
 * {@link CacheUsageError} naming `field` for anything that is not a finite positive duration
 * (or zero, when `allowZero`), for a duration below 1 ms (`0.0004`, `'0.4ms'`: it would round to
 * 0, which backends read as "no expiry") and for one above {@link MAX_DURATION_MS}.
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
  if (ms > 0 && ms < 1) {
    throw new CacheUsageError(
      `a duration is at least 1 ms (durations are whole milliseconds), got ${String(duration)}`,
      field,
    );
  }
  if (ms > MAX_DURATION_MS) {
    throw new CacheUsageError(
      `a duration is at most 10 years ('3650d'), got ${String(duration)}${typeof duration === 'number' ? ' s' : ''}`,
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
