import type { RelationGraph } from './relation-graph.js';

type Obj = Readonly<Record<string, unknown>>;

const LIST_FILTERS = new Set(['some', 'every', 'none', 'is', 'isNot']);
const LOGICAL = new Set(['AND', 'OR', 'NOT']);

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Every model a read depends on: the model itself and each model reached through `include`,
 * `select`, `_count`, `orderBy` on relations and relation filters in `where`/`having`
 * (`some/every/none/is/isNot` and the to-one shorthand), at any depth.
 */
export function readDependencies(graph: RelationGraph, model: string, args: unknown): Set<string> {
  return new Set<string>([model, ...relatedModels(graph, model, args)]);
}

/**
 * The models a read reaches through relations only (its own model too when a self-relation
 * reaches other rows of it): what {@link readDependencies} finds besides the read rows.
 */
export function relatedModels(graph: RelationGraph, model: string, args: unknown): Set<string> {
  const models = new Set<string>();
  walkArgs(graph, model, args, models);
  return models;
}

function walkArgs(graph: RelationGraph, model: string, args: unknown, out: Set<string>): void {
  if (!isObject(args)) return;
  for (const [key, value] of Object.entries(args)) {
    if (key === 'where' || key === 'having') walkWhere(graph, model, value, out);
    else if (key === 'include' || key === 'select') walkSelection(graph, model, value, out);
    else if (key === 'orderBy') walkOrderBy(graph, model, value, out);
  }
}

function walkSelection(graph: RelationGraph, model: string, selection: unknown, out: Set<string>): void {
  if (!isObject(selection)) return;
  for (const [field, value] of Object.entries(selection)) {
    if (value === false || value === undefined) continue;
    if (field === '_count') {
      walkCount(graph, model, value, out);
      continue;
    }
    const relation = graph.relation(model, field);
    if (!relation) continue;
    out.add(relation.target);
    walkArgs(graph, relation.target, value, out);
  }
}

/** `_count: true` counts every relation; `_count: { select: { posts: true | { where } } }` some. */
function walkCount(graph: RelationGraph, model: string, value: unknown, out: Set<string>): void {
  const select = isObject(value) ? value.select : undefined;
  if (!isObject(select)) {
    for (const relation of graph.relations(model).values()) out.add(relation.target);
    return;
  }
  for (const [field, v] of Object.entries(select)) {
    if (v === false || v === undefined) continue;
    const relation = graph.relation(model, field);
    if (!relation) continue;
    out.add(relation.target);
    walkArgs(graph, relation.target, v, out);
  }
}

function walkWhere(graph: RelationGraph, model: string, where: unknown, out: Set<string>): void {
  if (Array.isArray(where)) {
    for (const w of where) walkWhere(graph, model, w, out);
    return;
  }
  if (!isObject(where)) return;
  for (const [key, value] of Object.entries(where)) {
    if (LOGICAL.has(key)) {
      walkWhere(graph, model, value, out);
      continue;
    }
    const relation = graph.relation(model, key);
    if (!relation) continue;
    out.add(relation.target);
    if (!isObject(value)) continue;
    for (const [filterKey, inner] of Object.entries(value)) {
      if (LIST_FILTERS.has(filterKey) && !graph.relation(relation.target, filterKey)) {
        walkWhere(graph, relation.target, inner, out);
      } else {
        // To-one shorthand: `author: { name: 'x' }` is a filter on the related model.
        walkWhere(graph, relation.target, { [filterKey]: inner }, out);
      }
    }
  }
}

function walkOrderBy(graph: RelationGraph, model: string, orderBy: unknown, out: Set<string>): void {
  if (Array.isArray(orderBy)) {
    for (const o of orderBy) walkOrderBy(graph, model, o, out);
    return;
  }
  if (!isObject(orderBy)) return;
  for (const [key, value] of Object.entries(orderBy)) {
    const relation = graph.relation(model, key);
    if (!relation) continue;
    out.add(relation.target);
    walkOrderBy(graph, relation.target, value, out);
  }
}
