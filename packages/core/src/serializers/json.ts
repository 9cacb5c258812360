import { CacheUsageError } from '../errors.js';
import { NOT_PLAIN, type OtherCopy, plainCopy } from '../values/plain-copy.js';
import { type Serializer, UnserializableValueError } from './serializer.js';

/**
 * Teaches {@link JsonSerializer} a type by a data tag: values for which `is` is true are
 * stored as `{ "$t": name, "v": encode(value) }` and rebuilt with `decode`. Nothing is ever
 * evaluated: a tag only selects one of the registered `decode` functions.
 */
export interface JsonType<T = unknown> {
  /** The data tag; must not collide with the built-in ones (`Date`, `BigInt`, `Map`, ...). */
  readonly name: string;
  is(value: unknown): value is T;
  /** Returns JSON-compatible data (it may contain other supported values). */
  encode(value: T): unknown;
  decode(data: unknown): T;
  /**
   * Optional: a copy of a value `decode` returned, sharing nothing mutable with it. Without it,
   * an in-process hit on a value holding this type deserializes the stored bytes again instead
   * of copying the kept value (see {@link Serializer.copy}).
   */
  copy?(value: T): T;
}

/** Options of {@link JsonSerializer}. */
export interface JsonSerializerOptions {
  /** Extra types, checked before the built-in ones. */
  readonly types?: readonly JsonType[];
}

const BUILT_IN = new Set(['Date', 'BigInt', 'Map', 'Set', 'Bytes', 'Buffer', 'Number', 'undefined', '$']);
/** First byte of a document that holds tagged values (not valid JSON, so no ambiguity). */
const TAGGED = 0x01;

/**
 * JSON that round-trips `Date`, `BigInt`, `Map`, `Set`, `Uint8Array`, `Buffer`, `NaN`,
 * `Infinity` and `undefined` in arrays, plus any {@link JsonType} you register. Functions,
 * symbols, cycles and other binary views are refused with an {@link UnserializableValueError}.
 * Documents without special values are plain JSON and parse at `JSON.parse` speed.
 */
export class JsonSerializer implements Serializer {
  readonly name = 'json';
  readonly #types: readonly JsonType[];
  readonly #byName: ReadonlyMap<string, JsonType>;
  readonly #copyType: OtherCopy;

  constructor(options: JsonSerializerOptions = {}) {
    this.#types = options.types ?? [];
    for (const t of this.#types) {
      if (BUILT_IN.has(t.name))
        throw new CacheUsageError(`type name '${t.name}' is reserved`, 'JsonSerializer.types');
    }
    this.#byName = new Map(this.#types.map((t) => [t.name, t]));
    this.#copyType = typeCopy(this.#types);
  }

  /** A serializer that also knows `types` (this one is left unchanged). */
  extend(types: readonly JsonType[]): JsonSerializer {
    return new JsonSerializer({ types: [...this.#types, ...types] });
  }

  serialize(value: unknown): Uint8Array {
    let tagged = false;
    const types = this.#types;
    function replacer(this: Record<string, unknown>, key: string, v: unknown): unknown {
      const raw = this[key];
      switch (typeof raw) {
        case 'string':
        case 'boolean':
          return v;
        case 'number':
          if (Number.isFinite(raw) && !Object.is(raw, -0)) return v;
          tagged = true;
          return { $t: 'Number', v: Object.is(raw, -0) ? '-0' : String(raw) };
        case 'bigint':
          tagged = true;
          return { $t: 'BigInt', v: raw.toString() };
        case 'undefined':
          if (key === '' || Array.isArray(this)) {
            tagged = true;
            return { $t: 'undefined' };
          }
          return undefined;
        case 'function':
        case 'symbol':
          throw new UnserializableValueError(`cannot serialize a ${typeof raw} (at '${key}')`);
      }
      if (raw === null) return null;
      for (const type of types) {
        if (type.is(raw)) {
          tagged = true;
          return { $t: type.name, v: type.encode(raw) };
        }
      }
      if (Array.isArray(raw)) return v;
      if (raw instanceof Date) {
        tagged = true;
        return { $t: 'Date', v: Number.isNaN(raw.getTime()) ? null : raw.toISOString() };
      }
      if (raw instanceof Map) {
        tagged = true;
        return { $t: 'Map', v: [...raw] };
      }
      if (raw instanceof Set) {
        tagged = true;
        return { $t: 'Set', v: [...raw] };
      }
      if (ArrayBuffer.isView(raw)) {
        if (!(raw instanceof Uint8Array)) {
          throw new UnserializableValueError(`cannot serialize a ${raw.constructor.name} (at '${key}')`);
        }
        tagged = true;
        const base64 = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64');
        return { $t: Buffer.isBuffer(raw) ? 'Buffer' : 'Bytes', v: base64 };
      }
      if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, '$t')) {
        // A user object that looks like one of ours: store its entries instead.
        tagged = true;
        return { $t: '$', v: Object.entries(v) };
      }
      return v;
    }
    let text: string;
    try {
      text = JSON.stringify(value, replacer);
    } catch (error) {
      if (error instanceof UnserializableValueError) throw error;
      throw new UnserializableValueError(`value is not serializable: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (!tagged) return Buffer.from(text, 'utf8');
    const out = Buffer.allocUnsafe(Buffer.byteLength(text) + 1);
    out[0] = TAGGED;
    out.write(text, 1, 'utf8');
    return out;
  }

  deserialize(bytes: Uint8Array): unknown {
    const buf = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (buf[0] !== TAGGED) return JSON.parse(buf.toString('utf8'));
    // A plain parse and one walk over the objects is several times faster than a reviver,
    // which is called for every value, strings and numbers included.
    return reviveTree(JSON.parse(buf.toString('utf8', 1)), this.#byName);
  }

  /**
   * A structural copy of what {@link deserialize} returned: plain data, the built-in types, and
   * registered types that have a `copy`; `undefined` when the value holds any other object.
   */
  copy(value: object): unknown {
    const copy = plainCopy(value, this.#copyType);
    return copy === NOT_PLAIN ? undefined : copy;
  }
}

/** Copies a value with the `copy` of the first registered type that claims it (as `serialize` picks). */
function typeCopy(types: readonly JsonType[]): OtherCopy {
  if (!types.some((t) => t.copy !== undefined)) return () => NOT_PLAIN;
  return (value) => {
    for (const type of types) {
      if (type.is(value)) return type.copy === undefined ? NOT_PLAIN : type.copy(value);
    }
    return NOT_PLAIN;
  };
}

/** Rebuilds tagged values in a parsed document, innermost first, in place where it can. */
function reviveTree(node: unknown, byName: ReadonlyMap<string, JsonType>): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const child: unknown = node[i];
      if (child !== null && typeof child === 'object') node[i] = reviveTree(child, byName);
    }
    return node;
  }
  const record = node as Record<string, unknown>;
  const tag = record.$t;
  if (typeof tag === 'string') return revive(tag, reviveTree(record.v, byName), byName);
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const child = record[key];
    if (child === null || typeof child !== 'object') continue;
    const revived = reviveTree(child, byName);
    if (revived === child) continue;
    // `record.__proto__ = x` would set the prototype: define the own property instead.
    if (key === '__proto__')
      Object.defineProperty(record, key, {
        value: revived,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else record[key] = revived;
  }
  return record;
}

function revive(tag: string, data: unknown, byName: ReadonlyMap<string, JsonType>): unknown {
  switch (tag) {
    case 'Date':
      return new Date(data === null ? Number.NaN : (data as string));
    case 'BigInt':
      return BigInt(data as string);
    case 'Number':
      return Number(data);
    case 'undefined':
      return undefined;
    case 'Map':
      return new Map(data as [unknown, unknown][]);
    case 'Set':
      return new Set(data as unknown[]);
    case 'Buffer':
      return Buffer.from(data as string, 'base64');
    case 'Bytes':
      return new Uint8Array(Buffer.from(data as string, 'base64'));
    case '$':
      return Object.fromEntries(data as [string, unknown][]);
  }
  const type = byName.get(tag);
  if (!type) throw new TypeError(`unknown data tag '${tag}': register a JsonType for it`);
  return type.decode(data);
}
