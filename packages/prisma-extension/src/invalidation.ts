import type { RelationGraph } from './relation-graph.js';

type Obj = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The write operations. */
export const WRITE_OPERATIONS = new Set([
  'create',
  'createMany',
  'createManyAndReturn',
  'update',
  'updateMany',
  'updateManyAndReturn',
  'upsert',
  'delete',
  'deleteMany',
]);

const DATA_OPS = new Set(['create', 'update', 'upsert', 'connectOrCreate', 'createMany', 'updateMany']);
const LINK_OPS = new Set(['connect', 'disconnect', 'set']);
const DELETE_OPS = new Set(['delete', 'deleteMany']);

/**
 * Every model whose rows a write may change: the model, every relation named in nested writes
 * (both sides: the foreign key may live on either, and a many-to-many join changes for both),
 * and the models reached through referential actions (`Cascade`, `SetNull`, `SetDefault`) of
 * deletes and of updates that change a referenced key, transitively.
 */
export function writeTouches(
  graph: RelationGraph,
  model: string,
  operation: string,
  args: unknown,
): Set<string> {
  const { others } = writeEffects(graph, model, operation, args);
  return new Set([model, ...others]);
}

/** What a write changes besides the rows its own operation names. */
export interface WriteEffects {
  /**
   * The models other rows of which may change (nested writes, referential actions). Holds the
   * written model itself when the write reaches other rows of it (a self-relation).
   */
  readonly others: ReadonlySet<string>;
}

/** The models {@link writeTouches} finds, apart from the written rows themselves. */
export function writeEffects(
  graph: RelationGraph,
  model: string,
  operation: string,
  args: unknown,
): WriteEffects {
  const others = new Set<string>();
  const walker = new WriteWalker(graph, others);
  const a = isObject(args) ? args : {};
  if (operation === 'delete' || operation === 'deleteMany') walker.deleted(model);
  else if (operation === 'upsert') {
    walker.data(model, a.create, false, true);
    walker.data(model, a.update, true, true);
  } else walker.data(model, a.data, operation.startsWith('update'), true);
  return { others };
}

class WriteWalker {
  readonly #seen = new Set<string>();

  constructor(
    readonly graph: RelationGraph,
    readonly touched: Set<string>,
  ) {}

  /** A `data` object (or list of them) written to `model` (`root`: the write's own rows). */
  data(model: string, data: unknown, isUpdate: boolean, root = false): void {
    if (Array.isArray(data)) {
      for (const d of data) this.data(model, d, isUpdate, root);
      return;
    }
    if (!isObject(data)) return;
    const changed: string[] = [];
    for (const [field, value] of Object.entries(data)) {
      const relation = this.graph.relation(model, field);
      if (!relation) {
        changed.push(field);
        continue;
      }
      this.touched.add(relation.target);
      this.nested(model, field, value);
    }
    if (isUpdate) this.updated(model, changed, !root);
  }

  /** The nested operations on relation `field` of `model`. */
  nested(model: string, field: string, ops: unknown): void {
    const relation = this.graph.relation(model, field);
    if (!relation || !isObject(ops)) return;
    const target = relation.target;
    const edge = relation.edge;
    for (const [op, value] of Object.entries(ops)) {
      if (DELETE_OPS.has(op)) this.deleted(target);
      else if (LINK_OPS.has(op) && edge.holder !== undefined) this.updated(edge.holder, edge.fields);
      else if (DATA_OPS.has(op)) this.nestedData(target, op, value);
      if (edge.unknown) this.deleted(target);
    }
  }

  nestedData(target: string, op: string, value: unknown): void {
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      if (!isObject(item)) continue;
      switch (op) {
        case 'create':
          this.data(target, item, false);
          break;
        case 'createMany':
          this.data(target, item.data, false);
          break;
        case 'connectOrCreate':
          this.data(target, item.create, false);
          break;
        case 'upsert':
          this.data(target, item.create, false);
          this.data(target, item.update, true);
          break;
        default:
          // update / updateMany: `{ where, data }`, or the data itself for a to-one update.
          this.data(target, 'data' in item && isObject(item.data) ? item.data : item, true);
      }
    }
  }

  /** Rows of `model` were deleted: follow the relations whose key points at it. */
  deleted(model: string): void {
    if (this.#mark(`d:${model}`)) return;
    for (const edge of this.graph.referencing(model)) {
      if (edge.unknown) {
        for (const m of edge.models) this.touched.add(m);
        for (const m of edge.models) this.deleted(m);
        continue;
      }
      const holder = edge.holder!;
      if (edge.onDelete === 'Cascade') {
        this.touched.add(holder);
        this.deleted(holder);
      } else if (edge.onDelete === 'SetNull' || edge.onDelete === 'SetDefault') {
        this.touched.add(holder);
        this.updated(holder, edge.fields);
      }
    }
  }

  /** Fields of `model` changed (`other`: in rows other than the write's own): follow the relations that reference one of them. */
  updated(model: string, fields: readonly string[], other = true): void {
    if (fields.length === 0) return;
    if (other) this.touched.add(model);
    for (const edge of this.graph.referencing(model)) {
      if (edge.unknown) {
        for (const m of edge.models) this.touched.add(m);
        continue;
      }
      if (edge.onUpdate === 'Restrict' || edge.onUpdate === 'NoAction') continue;
      if (!edge.references.some((r) => fields.includes(r))) continue;
      const key = `u:${edge.name}`;
      if (this.#mark(key)) continue;
      this.touched.add(edge.holder!);
      this.updated(edge.holder!, edge.fields);
    }
  }

  #mark(key: string): boolean {
    if (this.#seen.has(key)) return true;
    this.#seen.add(key);
    return false;
  }
}
