import { hash } from 'node:crypto';
import { CacheUsageError } from '../errors.js';

/**
 * A canonical string for `value`: object keys sorted, and types that JSON would merge kept
 * apart (`1`, `'1'`, `1n`, a Date and its ISO string, `undefined` and `null` all differ).
 * Values it cannot see into (functions, symbols, class instances) are written by name only;
 * use {@link argumentsHash} where that could make two different values one key.
 */
export function stableStringify(value: unknown): string {
  return encodeRoot(value, false);
}

/** A short, stable digest of {@link stableStringify}`(value)` (SHA-256, base64url, 22 chars). */
export function stableHash(value: unknown): string {
  return hashString(stableStringify(value));
}

/**
 * The digest of a function's arguments, for `wrap` and `@Cached` keys. Unlike
 * {@link stableHash} it refuses, with a {@link CacheUsageError} naming the argument
 * (`args[1].user`), any value whose identity the key cannot see: a function, a symbol not from
 * `Symbol.for`, an object with symbol keys, and an instance of a class without `toJSON` (an
 * `Error`, or any object whose state may live in private fields or getters). Two calls that
 * differ only there would share one entry. Plain objects, arrays, `Map`, `Set`, `Date`,
 * `RegExp`, typed arrays and objects with `toJSON` are accepted.
 */
export function argumentsHash(args: readonly unknown[]): string {
  try {
    return hashString(encodeRoot(args, true));
  } catch (error) {
    if (!(error instanceof OpaqueValue)) throw error;
    throw new CacheUsageError(
      `${error.what} cannot be part of a cache key: two different values of this kind would share one key; pass a \`key\` option (or give the class a toJSON())`,
      `args${error.path.join('')}`,
    );
  }
}

/** SHA-256 of a string as 22 base64url characters (132 bits). */
export function hashString(text: string): string {
  return hash('sha256', text, 'base64url').slice(0, 22);
}

/** Thrown inside {@link encode} in strict mode; containers prepend their segment on the way out. */
class OpaqueValue extends Error {
  readonly path: string[] = [];
  constructor(readonly what: string) {
    super(what);
  }
}

/**
 * Nesting up to which objects are encoded without a set of the objects on the path: a cycle
 * there only recurses down to this depth, and the value is then encoded again with the set.
 */
const SHALLOW = 32;

/** Thrown by {@link encode} deeper than {@link SHALLOW} levels without a set (caught by {@link encodeRoot}). */
const TOO_DEEP: unique symbol = Symbol('too deep');

/**
 * Encodes a whole value: first without tracking the objects on the path (no set to fill and
 * empty per object, the common case of shallow data), again with it when the value is nested
 * deeper than {@link SHALLOW} (a cycle, or deep data). Both give the same text.
 */
function encodeRoot(value: unknown, strict: boolean): string {
  try {
    return encode(value, undefined, strict, 0);
  } catch (error) {
    if (error !== TOO_DEEP) throw error;
    return encode(value, new Set(), strict, 0);
  }
}

/** Encodes `value` at `segment` of its parent, adding the segment to a strict-mode refusal's path. */
function child(
  value: unknown,
  seen: Set<object> | undefined,
  depth: number,
  strict: boolean,
  segment: () => string,
): string {
  if (!strict) return encode(value, seen, false, depth);
  try {
    return encode(value, seen, true, depth);
  } catch (error) {
    if (error instanceof OpaqueValue) error.path.unshift(segment());
    throw error;
  }
}

/** `seen`: the objects on the path (`undefined`: not tracked, at most {@link SHALLOW} deep). */
function encode(value: unknown, seen: Set<object> | undefined, strict: boolean, depth: number): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : `#${String(value)}`;
    case 'bigint':
      return `${value}n`;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return 'undefined';
    case 'symbol': {
      const registered = Symbol.keyFor(value);
      if (registered !== undefined) return `Symbol.for(${JSON.stringify(registered)})`;
      if (strict) throw new OpaqueValue(`a symbol (${String(value)})`);
      return `Symbol(${value.description ?? ''})`;
    }
    case 'function':
      if (strict) throw new OpaqueValue(`a function (${value.name || 'anonymous'})`);
      return `Function(${value.name})`;
  }
  if (value === null) return 'null';
  const obj = value as object;
  if (seen === undefined) {
    if (depth === SHALLOW) throw TOO_DEEP;
    return encodeObject(obj, undefined, strict, depth + 1);
  }
  if (seen.has(obj)) return '[Circular]';
  seen.add(obj);
  try {
    return encodeObject(obj, seen, strict, depth + 1);
  } finally {
    seen.delete(obj);
  }
}

/** An object's text; its members are at `depth`. */
function encodeObject(obj: object, seen: Set<object> | undefined, strict: boolean, depth: number): string {
  const proto = Object.getPrototypeOf(obj) as object | null;
  if (proto !== Object.prototype && proto !== null) {
    const known = encodeBuiltIn(obj, seen, strict, depth);
    if (known !== undefined) return known;
  }
  const json = (obj as { toJSON?: () => unknown }).toJSON;
  if (typeof json === 'function')
    return `${obj.constructor?.name ?? 'Object'}(${child(json.call(obj), seen, depth, strict, () => '.toJSON()')})`;
  if (strict) checkSeeable(obj);
  const keys = Object.keys(obj);
  if (keys.length > 1) sortKeys(keys);
  let body = '';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const item = (obj as Record<string, unknown>)[k];
    const text = strict ? child(item, seen, depth, true, () => `.${k}`) : encode(item, seen, false, depth);
    body += `${i === 0 ? '' : ','}${quote(k)}:${text}`;
  }
  return `${className(proto)}{${body}}`;
}

/**
 * Sorts keys in place, in `Array.prototype.sort`'s default order (UTF-16 code units): by
 * insertion for the few keys of most objects (the built-in sort costs more than the rest of a
 * small object's encoding), by the built-in sort beyond.
 */
function sortKeys(keys: string[]): void {
  if (keys.length > 8) {
    keys.sort();
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
}

/**
 * `JSON.stringify(text)`, without calling it in the common case: printable ASCII other than
 * the double quote and the backslash needs no escaping.
 */
function quote(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return JSON.stringify(text);
  }
  return `"${text}"`;
}

/** An array or an instance of a built-in class the encoding knows; `undefined` for any other. */
function encodeBuiltIn(
  obj: object,
  seen: Set<object> | undefined,
  strict: boolean,
  depth: number,
): string | undefined {
  if (Array.isArray(obj)) {
    let body = '';
    for (let i = 0; i < obj.length; i++) {
      const item = strict
        ? child(obj[i], seen, depth, true, () => `[${i}]`)
        : encode(obj[i], seen, false, depth);
      body += i === 0 ? item : `,${item}`;
    }
    return `[${body}]`;
  }
  if (obj instanceof Date) return `Date(${Number.isNaN(obj.getTime()) ? 'NaN' : obj.toISOString()})`;
  if (obj instanceof Map) {
    const entries = [...obj]
      .map(
        ([k, v]) =>
          `${child(k, seen, depth, strict, () => '.<map key>')}=>${child(v, seen, depth, strict, () => `.get(${String(k)})`)}`,
      )
      .sort();
    return `Map{${entries.join(',')}}`;
  }
  if (obj instanceof Set)
    return `Set{${[...obj]
      .map((v) => child(v, seen, depth, strict, () => '.<set member>'))
      .sort()
      .join(',')}}`;
  if (ArrayBuffer.isView(obj)) {
    return `${obj.constructor.name}(${Buffer.from(obj.buffer, obj.byteOffset, obj.byteLength).toString('base64')})`;
  }
  if (obj instanceof RegExp) return `RegExp(${String(obj)})`;
  return undefined;
}

/**
 * `''` for a plain object (whose prototype is `proto`), else its class name: instances of two
 * classes with no enumerable state (Prisma's `JsonNull`, `DbNull`, `AnyNull`) must not encode
 * like each other or `{}`.
 */
function className(proto: object | null): string {
  if (proto === null || proto === Object.prototype) return '';
  return (proto as { constructor?: { name?: string } }).constructor?.name || 'anonymous class';
}

/** Plain objects only: a class instance may keep its state where `Object.keys` cannot see it. */
function checkSeeable(obj: object): void {
  const proto = Object.getPrototypeOf(obj) as object | null;
  if (proto !== null && proto !== Object.prototype) {
    const name = (proto as { constructor?: { name?: string } }).constructor?.name || 'anonymous class';
    throw new OpaqueValue(`an instance of ${name} without toJSON()`);
  }
  if (Object.getOwnPropertySymbols(obj).length > 0) throw new OpaqueValue('an object with symbol keys');
}
