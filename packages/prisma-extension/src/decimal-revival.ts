import { CacheUsageError, type Serializer } from '@tagcache/core';
import type { RelationGraph, RuntimeDataModel } from './relation-graph.js';

/** The part of Prisma's `Decimal` class reviving needs. */
export interface DecimalLike {
  new (value: string): object;
  isDecimal(value: unknown): boolean;
}

type Row = Record<string, unknown>;

const AGGREGATES = new Set(['_sum', '_avg', '_min', '_max']);

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Gives cached results back their `Decimal` values, whatever the service's serializer: a JSON
 * serializer that was not taught Decimal stores it as its string, which this turns back into
 * the client's `Decimal`, guided by the schema (only fields typed `Decimal`, and aggregates of
 * them; a `Json` column holding a string is never touched). Values that are neither a
 * `Decimal` nor its string (a serializer that cannot round-trip it) are a
 * {@link CacheUsageError} naming the model and field, never a silent type change.
 */
export class DecimalRevival {
  readonly #fields = new Map<string, ReadonlySet<string>>();
  /** Models whose results may hold a Decimal (their own fields or through relations). */
  readonly #reaches = new Set<string>();
  /** The serializer gives a `Decimal` back as one (`prismaSerializer`): nothing to revive. */
  #kept = false;

  constructor(
    dataModel: RuntimeDataModel,
    readonly graph: RelationGraph,
    readonly Decimal: DecimalLike,
  ) {
    for (const [model, definition] of Object.entries(dataModel.models)) {
      const decimals = definition.fields.filter((f) => f.kind === 'scalar' && f.type === 'Decimal');
      if (decimals.length > 0) this.#fields.set(model, new Set(decimals.map((f) => f.name)));
    }
    // Transitive closure over relations: a model reaches a Decimal if a related model does.
    let changed = true;
    for (const model of this.#fields.keys()) this.#reaches.add(model);
    while (changed) {
      changed = false;
      for (const model of graph.models) {
        if (this.#reaches.has(model)) continue;
        for (const relation of graph.relations(model).values()) {
          if (this.#reaches.has(relation.target)) {
            this.#reaches.add(model);
            changed = true;
            break;
          }
        }
      }
    }
  }

  /**
   * Refuses to start when the schema has a Decimal field and `serializer` gives back neither a
   * `Decimal` nor its string for one (a custom serializer that loses it): a
   * {@link CacheUsageError} naming the model and field, instead of a failing hit later. One
   * that gives back a `Decimal` leaves {@link revive} nothing to do.
   */
  checkRoundTrip(serializer: Serializer): void {
    const first = this.#fields.entries().next();
    if (first.done) return;
    const [model, fields] = first.value;
    const field = [...fields][0] as string;
    const probe = new this.Decimal('1234.5678');
    let back: unknown;
    let failure = '';
    try {
      back = (serializer.deserialize(serializer.serialize({ [field]: probe })) as Record<string, unknown>)?.[
        field
      ];
    } catch (error) {
      failure = `: ${error instanceof Error ? error.message : String(error)}`;
    }
    const revived = typeof back === 'string' ? back : this.Decimal.isDecimal(back) ? String(back) : undefined;
    if (revived === '1234.5678') {
      this.#kept = back !== revived;
      return;
    }
    throw new CacheUsageError(
      `${model}.${field} is a Decimal and the cache's serializer (${serializer.name}) cannot round-trip Prisma's Decimal${failure}; use a JSON serializer (the default) or prismaSerializer(Prisma)`,
      'cache.serializer',
    );
  }

  /** Whether {@link revive} may change a result of `model` at fluent `path` (else it is skipped). */
  revives(model: string, path: readonly string[] | undefined): boolean {
    return !this.#kept && this.#target(model, path) !== undefined;
  }

  /** Revives the Decimal fields of `value`, a result of `model` (at fluent `path`), in place. */
  revive(model: string, path: readonly string[] | undefined, value: unknown): unknown {
    if (this.#kept) return value;
    const target = this.#target(model, path);
    if (target !== undefined) this.#value(target, value);
    return value;
  }

  /** The model of the result at `path`, when results of it may hold a Decimal. */
  #target(model: string, path: readonly string[] | undefined): string | undefined {
    let target: string | undefined = model;
    for (const step of path ?? []) {
      if (step === 'select' || step === 'include') continue;
      target = target === undefined ? undefined : this.graph.relation(target, step)?.target;
    }
    return target !== undefined && this.#reaches.has(target) ? target : undefined;
  }

  #value(model: string, value: unknown): void {
    if (Array.isArray(value)) for (const row of value) this.#row(model, row);
    else this.#row(model, value);
  }

  #row(model: string, row: unknown): void {
    if (!isRow(row)) return;
    const decimals = this.#fields.get(model);
    for (const [key, v] of Object.entries(row)) {
      if (decimals?.has(key)) row[key] = this.#decimal(model, key, v);
      else if (AGGREGATES.has(key) && decimals && isRow(v)) {
        for (const [field, inner] of Object.entries(v)) {
          if (decimals.has(field)) v[field] = this.#decimal(model, `${key}.${field}`, inner);
        }
      } else if (v !== null && typeof v === 'object') {
        const relation = this.graph.relation(model, key);
        if (relation && this.#reaches.has(relation.target)) this.#value(relation.target, v);
      }
    }
  }

  #decimal(model: string, field: string, value: unknown): unknown {
    if (value === null || value === undefined || this.Decimal.isDecimal(value)) return value;
    if (typeof value === 'string') return new this.Decimal(value);
    throw new CacheUsageError(
      `a cached ${model}.${field} came back as ${typeof value}, not a Decimal: this serializer cannot round-trip Prisma's Decimal; use a JSON serializer (the default) or prismaSerializer(Prisma)`,
      'cache.serializer',
    );
  }
}
