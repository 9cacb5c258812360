/** A referential action as written in `@relation(onDelete: ..., onUpdate: ...)`. */
export type ReferentialAction = 'Cascade' | 'SetNull' | 'SetDefault' | 'Restrict' | 'NoAction';

/** What the schema says about one field of a model (only what the relation graph needs). */
export interface ParsedField {
  readonly optional: boolean;
  /** `@relation(fields: [...])`: set on the side that holds the foreign key. */
  readonly fields?: readonly string[];
  readonly references?: readonly string[];
  readonly onDelete?: ReferentialAction;
  readonly onUpdate?: ReferentialAction;
}

/** Model name → field name → what the schema says. */
export type ParsedSchema = ReadonlyMap<string, ReadonlyMap<string, ParsedField>>;

const ACTIONS = new Set<string>(['Cascade', 'SetNull', 'SetDefault', 'Restrict', 'NoAction']);

/**
 * Reads the fields of every `model` block of a Prisma schema: optionality and the arguments of
 * `@relation`. The client carries its schema text, so this can never disagree with the client.
 * Blocks other than models (generators, enums, views, types) are skipped.
 */
export function parseSchema(text: string): ParsedSchema {
  const models = new Map<string, Map<string, ParsedField>>();
  const source = stripComments(text);
  const block = /\bmodel\s+(\w+)\s*\{([^}]*)\}/g;
  for (let match = block.exec(source); match !== null; match = block.exec(source)) {
    const fields = new Map<string, ParsedField>();
    for (const line of (match[2] ?? '').split('\n')) {
      const field = /^\s*(\w+)\s+(\w+)(\[\]|\?)?\s*(.*)$/.exec(line);
      if (!field) continue;
      fields.set(field[1]!, parseAttributes(field[3] === '?', field[4] ?? ''));
    }
    models.set(match[1]!, fields);
  }
  return models;
}

function parseAttributes(optional: boolean, attributes: string): ParsedField {
  const relation = /@relation\s*\(([^)]*)\)/.exec(attributes);
  if (!relation) return { optional };
  const args = relation[1] ?? '';
  const list = (name: string): string[] | undefined => {
    const found = new RegExp(`\\b${name}\\s*:\\s*\\[([^\\]]*)\\]`).exec(args);
    return found
      ? (found[1] ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined;
  };
  const action = (name: string): ReferentialAction | undefined => {
    const found = new RegExp(`\\b${name}\\s*:\\s*(\\w+)`).exec(args);
    return found && ACTIONS.has(found[1]!) ? (found[1] as ReferentialAction) : undefined;
  };
  const fields = list('fields');
  const references = list('references');
  const onDelete = action('onDelete');
  const onUpdate = action('onUpdate');
  return {
    optional,
    ...(fields ? { fields } : {}),
    ...(references ? { references } : {}),
    ...(onDelete ? { onDelete } : {}),
    ...(onUpdate ? { onUpdate } : {}),
  };
}

/** Removes `//` comments and the contents of strings (which may hold braces or slashes). */
export function stripComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') {
        inString = false;
        out += '"';
      }
      continue;
    }
    if (c === '"') {
      inString = true;
      out += '"';
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else out += c;
  }
  return out;
}
