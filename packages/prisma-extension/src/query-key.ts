import { stableStringify } from '@tagcache/core';
import { hashedKey, type KeyOfText } from './key-memo.js';

/** What makes two reads share an entry: everything else about them must be equal. */
export interface KeyParts {
  readonly prefix: string;
  readonly schemaVersion: string;
  readonly model: string;
  readonly operation: string;
  /** The query's arguments, without the cache options. */
  readonly args: unknown;
  /** Client-level settings that change results (global `omit`, `keyContext`). */
  readonly client: unknown;
  /** A key of the caller's own instead of the hash of the arguments. */
  readonly custom?: string;
  /** The fluent call's path (`findUnique(...).posts()` → `['select', 'posts']`): its result is unpacked. */
  readonly path?: readonly string[];
  /** The read's own tags, TTL and SWR: a read is only served what they can invalidate and bound. */
  readonly read?: unknown;
}

/**
 * `<prefix><schemaVersion>:<Model>:<operation>:<hash>`. The hash is a stable hash of the
 * arguments and client settings: independent of object key order, and `1`, `'1'`, `1n`, a
 * Date and a Decimal all hash differently.
 */
export function queryKey(parts: KeyParts): string {
  return keyAfterHead(keyHead(parts.prefix, parts.schemaVersion, parts.model, parts.operation), parts);
}

/** The part of a {@link queryKey} before the hash, `<prefix><schemaVersion>:<Model>:<operation>:`. */
export function keyHead(prefix: string, schemaVersion: string, model: string, operation: string): string {
  return `${prefix}${schemaVersion}:${model}:${operation}:`;
}

/** The parts of a {@link queryKey} after its head (`client` only read without a `clientText`). */
export type KeyTail = Pick<KeyParts, 'args' | 'custom' | 'path' | 'read'> & { readonly client?: unknown };

/**
 * {@link queryKey} from its {@link keyHead}, built once per model operation by the extension,
 * and `clientText`, the {@link clientKeyText} of `parts.client` (the same for every read of a
 * client without `keyContext`). `keyOf` makes the key of the canonical text: {@link hashedKey},
 * or the extension's memo of it (same keys).
 */
export function keyAfterHead(
  head: string,
  parts: KeyTail,
  clientText: string = clientKeyText(parts.client),
  keyOf: KeyOfText = hashedKey,
): string {
  if (parts.custom !== undefined) return `${head}k:${parts.custom}`;
  const { path, read } = parts;
  // The canonical text of `{ args, client, path?, read? }` (keys in sorted order), assembled
  // from its members' texts: the client's is encoded once, not per read.
  let text = `{"args":${stableStringify(parts.args ?? null)},"client":${clientText}`;
  if (path !== undefined && path.length > 0) text += `,"path":${stableStringify(path)}`;
  if (read !== undefined) text += `,"read":${stableStringify(read)}`;
  return keyOf(head, `${text}}`);
}

/**
 * The field of `args` when they are `{ where: { <field>: <value> } }` and nothing else, plain
 * objects both (a read of one row by a unique key, the common hit); `undefined` otherwise.
 * The key of such a read is that of `{ where: { [field]: value } }`, whatever its value.
 */
export function soleWhereField(args: unknown): string | undefined {
  if (!isPlain(args)) return undefined;
  const top = Object.keys(args);
  if (top.length !== 1 || top[0] !== 'where') return undefined;
  const where = (args as { where?: unknown }).where;
  if (!isPlain(where)) return undefined;
  const fields = Object.keys(where);
  return fields.length === 1 ? fields[0] : undefined;
}

function isPlain(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The canonical text of a key's client settings (`KeyParts.client`). */
export function clientKeyText(client: unknown): string {
  return stableStringify(client ?? null);
}

/**
 * The tag every cached read of a model carries, and every write to it invalidates. Pass the
 * model's table (its `@@map` name; the model name when it has none): tags follow tables, which
 * two versions of a schema that renamed a model still share.
 */
export function modelTag(prefix: string, table: string): string {
  return `${prefix}model:${table}`;
}
