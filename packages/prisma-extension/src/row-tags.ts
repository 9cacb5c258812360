import { hashString } from '@tagcache/core';
import { relatedModels } from './dependencies.js';
import { writeEffects } from './invalidation.js';
import type { ModelNames } from './model-names.js';
import { modelTag } from './query-key.js';
import type { RelationGraph, RuntimeDataModel } from './relation-graph.js';
import type { UniqueKey, UniqueKeys } from './unique-keys.js';

type Obj = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads that return at most one row: a row read when their `where` pins a unique key. */
const ROW_READS = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow']);
/** Writes of one row, whose unique keys the arguments and the result tell. */
const ROW_WRITES = new Set(['create', 'update', 'upsert', 'delete']);
/** Field types whose values read the same in a `where` and in a result (no Date strings, no Decimal). */
const KEY_TYPES = new Set(['Int', 'BigInt', 'String']);

/**
 * The tags of reads and writes, row-precise where the arguments allow it.
 *
 * - A read over many rows carries its model's list tag (`model:<table>`).
 * - A row read (`findUnique`, and `findFirst` whose `where` pins a unique key) carries the tag of
 *   each row key it names (`row:<table>:<columns>=<values>`) plus the model's rows epoch
 *   (`model:<table>:rows`) instead; both carry the list tags of models reached through relations.
 * - A write of one row (`create`, `update`, `upsert`, `delete`) invalidates the list tag and the
 *   row tags of every unique key of that row, old and new values (from the `where` and the
 *   result). When a key's old or new value is unknown (a unique field changed without being in
 *   the `where`, a `select` that left it out), it bumps the rows epoch: every row read of the model.
 * - Any other write, or one that reaches other rows (nested writes, referential actions), is
 *   model-wide for each model it reaches: list tag and rows epoch, O(1) whatever was cached.
 *
 * Tags name tables and columns, which two deployed versions of a schema share.
 */
export class RowTags {
  readonly #keys = new Map<string, readonly UniqueKey[]>();
  /** `<prefix>row:<table>:<columns>=` of each usable unique key. */
  readonly #rowHeads = new Map<UniqueKey, string>();
  /** Each model's list tag, built once. */
  readonly #lists = new Map<string, string>();

  constructor(
    readonly prefix: string,
    readonly names: ModelNames,
    readonly graph: RelationGraph,
    keys: UniqueKeys,
    dataModel: RuntimeDataModel,
  ) {
    for (const [model, list] of keys) {
      const fields = dataModel.models[model]?.fields ?? [];
      const usable = (f: string) =>
        fields.some(
          (d) => d.name === f && (d.kind === 'enum' || (d.kind === 'scalar' && KEY_TYPES.has(d.type))),
        );
      const usableKeys = list.filter((k) => k.fields.every(usable));
      if (usableKeys.length > 0) this.#keys.set(model, usableKeys);
      for (const key of usableKeys) {
        const columns = key.fields.map((f) => names.column(model, f)).join(',');
        this.#rowHeads.set(key, `${prefix}row:${names.table(model)}:${columns}=`);
      }
    }
  }

  /** The tag of `model`'s reads over many rows (and of reads reaching it through relations). */
  list(model: string): string {
    let tag = this.#lists.get(model);
    if (tag === undefined) {
      tag = modelTag(this.prefix, this.names.table(model));
      this.#lists.set(model, tag);
    }
    return tag;
  }

  /** The epoch every row read of `model` carries; a model-wide write bumps it. */
  rows(model: string): string {
    return `${this.list(model)}:rows`;
  }

  /** The tags a read of `model` carries. */
  read(model: string, operation: string, args: unknown): string[] {
    const related = relatedModels(this.graph, model, args);
    const where = isObject(args) ? args.where : undefined;
    const pins = ROW_READS.has(operation) && !related.has(model) ? this.#pins(model, where) : [];
    const tags = pins.length === 0 ? [this.list(model)] : [this.rows(model), ...pins];
    for (const m of related) tags.push(this.list(m));
    return unique(tags);
  }

  /** The tags a write of `model` invalidates, once it returned `result`. */
  write(model: string, operation: string, args: unknown, result: unknown): string[] {
    const { others } = writeEffects(this.graph, model, operation, args);
    const wide = [...others];
    let own: string[] = [];
    if (!ROW_WRITES.has(operation) || others.has(model)) wide.push(model);
    else own = [this.list(model), ...this.#written(model, operation, isObject(args) ? args : {}, result)];
    return unique([...own, ...this.wide(wide)]);
  }

  /** Model-wide tags: every read of each model. */
  wide(models: Iterable<string>): string[] {
    return [...models].flatMap((m) => [this.list(m), this.rows(m)]);
  }

  /** Row tags of each unique key of `model` that `source` pins (a `where`, or a row by field). */
  #pins(model: string, source: unknown): string[] {
    const tags: string[] = [];
    for (const key of this.#keys.get(model) ?? []) {
      const tag = this.#pin(key, source, false);
      if (tag !== undefined) tags.push(tag);
    }
    return tags;
  }

  #pin(key: UniqueKey, source: unknown, row: boolean): string | undefined {
    if (!isObject(source)) return undefined;
    const compound = key.fields.length > 1;
    const holder = compound && !row ? source[key.name] : source;
    if (!isObject(holder)) return undefined;
    const values: string[] = [];
    for (const field of key.fields) {
      const encoded = encode(holder[field]);
      if (encoded === undefined) return undefined;
      values.push(encoded);
    }
    const text = values.length === 1 ? values[0]! : values.join(',');
    return `${this.#rowHeads.get(key)}${text.length > 64 ? hashString(text) : text}`;
  }

  /** Row tags of the written row's keys, old and new; the rows epoch when one is unknown. */
  #written(model: string, operation: string, args: Obj, result: unknown): string[] {
    const keys = this.#keys.get(model) ?? [];
    if (keys.length === 0) return [this.rows(model)];
    const where = operation === 'create' ? undefined : args.where;
    const changed = this.#changed(
      model,
      operation === 'upsert' ? args.update : operation === 'update' ? args.data : undefined,
    );
    const tags: string[] = [];
    let unknown = false;
    for (const key of keys) {
      const before = this.#pin(key, where, false);
      const after = this.#pin(key, result, true);
      const touched = changed === 'all' || key.fields.some((f) => changed.has(f));
      if (before !== undefined) tags.push(before);
      if (after !== undefined) tags.push(after);
      if (operation === 'create') unknown ||= after === undefined;
      else if (operation === 'delete') unknown ||= before === undefined && after === undefined;
      else if (operation === 'upsert') unknown ||= after === undefined || (touched && before === undefined);
      // update: the old value is the where's, or unchanged; the new one the result's, or unchanged.
      else
        unknown ||= touched
          ? before === undefined || after === undefined
          : before === undefined && after === undefined;
    }
    if (unknown) tags.push(this.rows(model));
    return tags;
  }

  /** The fields of `model` an update's `data` may change (foreign keys through relation fields too). */
  #changed(model: string, data: unknown): ReadonlySet<string> | 'all' {
    const fields = new Set<string>();
    if (!isObject(data)) return fields;
    for (const field of Object.keys(data)) {
      const relation = this.graph.relation(model, field);
      if (!relation) fields.add(field);
      else if (relation.edge.unknown) return 'all';
      else if (relation.edge.holder === model) for (const f of relation.edge.fields) fields.add(f);
    }
    return fields;
  }
}

/** A key value as a tag part: integers and strings only, the same in a `where` and in a result. */
function encode(value: unknown): string | undefined {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

function unique(tags: string[]): string[] {
  return tags.length < 2 ? tags : [...new Set(tags)];
}
