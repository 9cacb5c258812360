import { stripComments } from './schema-text.js';

/** One way to reach a single row of a model: its `@id`, an `@unique` field, or an `@@id`/`@@unique` list. */
export interface UniqueKey {
  /** The key in a `where` (`id`, `email`, or a compound's `a_b` / its `name:`). */
  readonly name: string;
  /** The fields that make it up (one for `@id`/`@unique`). */
  readonly fields: readonly string[];
}

/** Model name → its unique keys, from the schema text. */
export type UniqueKeys = ReadonlyMap<string, readonly UniqueKey[]>;

/**
 * Reads every model's unique keys from the schema text the client carries (`@id`, `@unique`,
 * `@@id([...])`, `@@unique([...], name: "...")`). A model missing here has none known: its
 * reads are never row reads (model-wide, as before row tags).
 */
export function parseUniqueKeys(text: string | undefined): UniqueKeys {
  const out = new Map<string, UniqueKey[]>();
  if (text === undefined) return out;
  // stripComments keeps the line count (strings hold no newline): line i of both is the same line.
  const stripped = stripComments(text).split('\n');
  const raw = text.split('\n');
  let keys: UniqueKey[] | undefined;
  stripped.forEach((line, i) => {
    const open = /^\s*model\s+(\w+)\s*\{/.exec(line);
    if (open) {
      keys = [];
      out.set(open[1]!, keys);
      return;
    }
    if (keys === undefined) return;
    if (/^\s*\}/.test(line)) {
      keys = undefined;
      return;
    }
    const compound = /^\s*@@(?:id|unique)\s*\((?:\s*fields\s*:)?\s*\[([^\]]*)\]/.exec(line);
    if (compound) {
      const fields = (compound[1] ?? '')
        .split(',')
        .map((s) => s.trim().replace(/\(.*$/, '')) // `title(sort: Desc)`
        .filter(Boolean);
      const named = /\bname\s*:\s*"([^"]*)"/.exec(raw[i] ?? '');
      if (fields.length > 0) keys.push({ name: named?.[1] || fields.join('_'), fields });
      return;
    }
    const field = /^\s*(\w+)\s+\w+(\[\]|\?)?\s*(.*)$/.exec(line);
    if (field && field[2] !== '[]' && /@(?:id|unique)\b/.test(field[3] ?? '')) {
      keys.push({ name: field[1]!, fields: [field[1]!] });
    }
  });
  return out;
}
