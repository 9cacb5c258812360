import { type ParsedSchema, parseSchema, type ReferentialAction } from './schema-text.js';

/** The runtime data model a Prisma 7 client carries (`client._runtimeDataModel`), trimmed to what is read. */
export interface RuntimeDataModel {
  readonly models: Readonly<
    Record<
      string,
      {
        /** The table (`@@map`), `null` when it is the model name. */
        readonly dbName?: string | null;
        readonly fields: readonly {
          name: string;
          kind: string;
          type: string;
          relationName?: string;
          /** The column (`@map`), when it differs from the field name. */
          dbName?: string | null;
        }[];
      }
    >
  >;
}

/** A relation between two models. */
export interface RelationEdge {
  readonly name: string;
  /** The model holding the foreign key (undefined for an implicit many-to-many or when unknown). */
  readonly holder: string | undefined;
  /** The model the foreign key points to. */
  readonly referenced: string | undefined;
  /** Foreign key fields on the holder, and the fields they reference. */
  readonly fields: readonly string[];
  readonly references: readonly string[];
  readonly onDelete: ReferentialAction;
  readonly onUpdate: ReferentialAction;
  readonly manyToMany: boolean;
  /** `true` when the schema text did not say which side holds the key: rules turn conservative. */
  readonly unknown: boolean;
  /** The two models (equal for a self-relation). */
  readonly models: readonly [string, string];
}

/** A relation field of a model. */
export interface RelationField {
  readonly target: string;
  readonly edge: RelationEdge;
}

/**
 * The schema's relations: from the runtime data model (models, relation fields, their targets,
 * relation names) and the schema text the client carries (which side holds the foreign key,
 * referential actions, optionality). When the text is missing or says nothing about a relation,
 * that relation is treated as cascading both ways (over-invalidation, never staleness).
 */
export class RelationGraph {
  readonly models: readonly string[];
  readonly #fields = new Map<string, Map<string, RelationField>>();
  readonly #edges: RelationEdge[] = [];

  constructor(dataModel: RuntimeDataModel, schemaText?: string) {
    this.models = Object.keys(dataModel.models);
    const parsed: ParsedSchema = schemaText ? safeParse(schemaText) : new Map();
    const byRelation = new Map<string, { model: string; field: string; target: string }[]>();
    for (const model of this.models) {
      this.#fields.set(model, new Map());
      for (const f of dataModel.models[model]?.fields ?? []) {
        if (f.kind !== 'object' || f.relationName === undefined) continue;
        const group = byRelation.get(f.relationName) ?? [];
        group.push({ model, field: f.name, target: f.type });
        byRelation.set(f.relationName, group);
      }
    }
    for (const [name, sides] of byRelation) {
      const edge = buildEdge(name, sides, parsed);
      this.#edges.push(edge);
      for (const side of sides) this.#fields.get(side.model)?.set(side.field, { target: side.target, edge });
    }
  }

  /** The relation field `field` of `model`, if it is one. */
  relation(model: string, field: string): RelationField | undefined {
    return this.#fields.get(model)?.get(field);
  }

  /** Every relation field of `model`. */
  relations(model: string): ReadonlyMap<string, RelationField> {
    return this.#fields.get(model) ?? new Map();
  }

  /** Relations whose foreign key points at `model` (or, when unknown, that touch it). */
  referencing(model: string): readonly RelationEdge[] {
    return this.#edges.filter(
      (e) => !e.manyToMany && (e.unknown ? e.models.includes(model) : e.referenced === model),
    );
  }
}

function safeParse(text: string): ParsedSchema {
  try {
    return parseSchema(text);
  } catch {
    return new Map();
  }
}

function buildEdge(
  name: string,
  sides: readonly { model: string; field: string; target: string }[],
  parsed: ParsedSchema,
): RelationEdge {
  const first = sides[0]!;
  const models: [string, string] = [first.model, first.target];
  const info = sides.map((s) => ({ side: s, field: parsed.get(s.model)?.get(s.field) }));
  const holding = info.find((i) => i.field?.fields !== undefined && i.field.fields.length > 0);
  const known = info.every((i) => i.field !== undefined);
  if (holding?.field?.fields) {
    const f = holding.field;
    return {
      name,
      holder: holding.side.model,
      referenced: holding.side.target,
      fields: f.fields ?? [],
      references: f.references ?? [],
      // Prisma's defaults: SetNull for optional relations, Restrict for required ones; Cascade on update.
      onDelete: f.onDelete ?? (f.optional ? 'SetNull' : 'Restrict'),
      onUpdate: f.onUpdate ?? 'Cascade',
      manyToMany: false,
      unknown: false,
      models,
    };
  }
  const manyToMany = known && sides.length === 2;
  return {
    name,
    holder: undefined,
    referenced: undefined,
    fields: [],
    references: [],
    onDelete: 'Cascade',
    onUpdate: 'Cascade',
    manyToMany,
    unknown: !manyToMany,
    models,
  };
}
