import { CacheUsageError } from '@tagcache/core';
import type { RuntimeDataModel } from './relation-graph.js';

/**
 * The schema's model names, with the two other names users write for a model: its delegate
 * (`prisma.article`) and its database table (`@@map("articles")`, which raw SQL says). Tags
 * are named after tables: two deployed versions that name a model differently but map it to
 * one table (a rename during a rolling deploy) invalidate each other's reads.
 */
export class ModelNames {
  readonly #tables = new Map<string, string>();
  readonly #byName = new Map<string, string>();
  /** `Model.field` → column, for fields mapped with `@map`. */
  readonly #columns = new Map<string, string>();

  constructor(dataModel: RuntimeDataModel) {
    const aliases: [string, string][] = [];
    for (const [model, definition] of Object.entries(dataModel.models)) {
      const table = definition.dbName ?? model;
      this.#tables.set(model, table);
      this.#byName.set(model, model);
      for (const f of definition.fields) if (f.dbName) this.#columns.set(`${model}.${f.name}`, f.dbName);
      aliases.push([model.charAt(0).toLowerCase() + model.slice(1), model], [table, model]);
    }
    // Model names win over aliases (a model may be named like another model's table).
    for (const [alias, model] of aliases) if (!this.#byName.has(alias)) this.#byName.set(alias, model);
  }

  /** The table a model's rows live in. */
  table(model: string): string {
    return this.#tables.get(model) ?? model;
  }

  /** The column a model's field is stored in (its `@map` name, else the field name). */
  column(model: string, field: string): string {
    return this.#columns.get(`${model}.${field}`) ?? field;
  }

  /**
   * The model a user-written name means (model, delegate or table name); a
   * {@link CacheUsageError} naming `field` for a name the schema does not know, so that a typo
   * never silently invalidates nothing.
   */
  resolve(name: unknown, field: string): string {
    const model = typeof name === 'string' ? this.#byName.get(name) : undefined;
    if (model === undefined) {
      const known = [...this.#tables.keys()].join(', ');
      throw new CacheUsageError(
        `unknown model ${JSON.stringify(name)}: expected a model, delegate or table name of this schema (${known})`,
        field,
      );
    }
    return model;
  }
}
