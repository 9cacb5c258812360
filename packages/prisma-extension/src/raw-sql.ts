/**
 * Whether a raw query may write: its SQL names a data-changing statement anywhere (DML with
 * `RETURNING` through `$queryRaw`, a data-modifying `WITH`, DDL). A false positive only costs
 * an invalidation; a false negative would leave stale reads, so the test is a plain word match.
 */
export function rawQueryWrites(args: unknown): boolean {
  const text = sqlText(args);
  return text === undefined || WRITE_WORDS.test(text);
}

const WRITE_WORDS = /\b(insert|update|delete|merge|upsert|replace|truncate|alter|drop|create|call|copy)\b/i;

/** The SQL of `$queryRaw` / `$queryRawUnsafe` arguments, however Prisma passes them; `undefined` if unknown. */
function sqlText(args: unknown): string | undefined {
  if (typeof args === 'string') return args;
  if (Array.isArray(args)) {
    const first: unknown = args[0];
    if (typeof first === 'string') return first;
    if (Array.isArray(first)) return first.join(' ');
    return sqlText(first);
  }
  if (typeof args === 'object' && args !== null) {
    const { sql, strings, text } = args as { sql?: unknown; strings?: unknown; text?: unknown };
    if (typeof sql === 'string') return sql;
    if (typeof text === 'string') return text;
    if (Array.isArray(strings)) return strings.join(' ');
  }
  return undefined;
}
