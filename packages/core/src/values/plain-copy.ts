/** Returned by {@link plainCopy} for a value it does not know how to copy. */
export const NOT_PLAIN: unique symbol = Symbol('not plain data');

/** Nesting beyond this is not copied here (the caller deserializes instead): no deep recursion. */
const MAX_DEPTH = 64;

/**
 * Copies an object {@link plainCopy} does not know (a class instance), or gives
 * {@link NOT_PLAIN} when it cannot either.
 */
export type OtherCopy = (value: object) => unknown;

const NONE: OtherCopy = () => NOT_PLAIN;

/**
 * A structural copy specialised for what the `json` and `msgpack` serializers produce: plain
 * objects, arrays, primitives, `Date`, `Map`, `Set`, `Uint8Array` and `Buffer`. Any other object
 * (a class instance such as a `Decimal`) is handed to `other`; when it gives {@link NOT_PLAIN}
 * (the default), or nesting is deeper than 64, the whole copy is {@link NOT_PLAIN} and the
 * caller deserializes the stored bytes again instead. Several times cheaper than parsing again
 * or `structuredClone` (numbers in `packages/core/README.md`, "Values and copies").
 *
 * Only for trees: a value reached twice is copied twice (serializer output never shares).
 */
export function plainCopy(value: unknown, other: OtherCopy = NONE): unknown {
  return copy(value, 0, other);
}

function copy(value: unknown, depth: number, other: OtherCopy): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_DEPTH) return NOT_PLAIN;
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null)
    return copyObject(value as Record<string, unknown>, proto, depth, other);
  if (proto === Array.prototype) {
    const source = value as unknown[];
    const out: unknown[] = new Array(source.length);
    for (let i = 0; i < source.length; i++) {
      const item = source[i];
      if (typeof item !== 'object' || item === null) out[i] = item;
      else {
        const copied = copy(item, depth + 1, other);
        if (copied === NOT_PLAIN) return NOT_PLAIN;
        out[i] = copied;
      }
    }
    return out;
  }
  if (proto === Date.prototype) return new Date((value as Date).getTime());
  if (proto === Buffer.prototype) return Buffer.from(value as Buffer);
  if (proto === Uint8Array.prototype) return new Uint8Array(value as Uint8Array);
  if (proto === Map.prototype) {
    const out = new Map<unknown, unknown>();
    for (const [k, v] of value as Map<unknown, unknown>) {
      const key = copy(k, depth + 1, other);
      const item = copy(v, depth + 1, other);
      if (key === NOT_PLAIN || item === NOT_PLAIN) return NOT_PLAIN;
      out.set(key, item);
    }
    return out;
  }
  if (proto === Set.prototype) {
    const out = new Set<unknown>();
    for (const v of value as Set<unknown>) {
      const item = copy(v, depth + 1, other);
      if (item === NOT_PLAIN) return NOT_PLAIN;
      out.add(item);
    }
    return out;
  }
  return other(value);
}

function copyObject(
  source: Record<string, unknown>,
  proto: object | null,
  depth: number,
  other: OtherCopy,
): unknown {
  // A spread copies the primitive members in one step (V8 clones the object's layout), then
  // only the object members are replaced by their copies: cheaper than adding every key to an
  // empty object. A null-prototype object is built key by key (a spread's has Object.prototype).
  if (proto === null) return copyMembers(source, Object.create(null), depth, other);
  const out: Record<string, unknown> = { ...source };
  for (const key in out) {
    const item = out[key];
    if (typeof item !== 'object' || item === null) continue;
    const copied = copy(item, depth + 1, other);
    if (copied === NOT_PLAIN) return NOT_PLAIN;
    setMember(out, key, copied);
  }
  return out;
}

/** Adds `source`'s members to `out`, copied. */
function copyMembers(
  source: Record<string, unknown>,
  out: Record<string, unknown>,
  depth: number,
  other: OtherCopy,
): unknown {
  for (const key in source) {
    const item = source[key];
    const copied = typeof item !== 'object' || item === null ? item : copy(item, depth + 1, other);
    if (copied === NOT_PLAIN) return NOT_PLAIN;
    setMember(out, key, copied);
  }
  return out;
}

/** `out[key] = value`, as an own property even for `__proto__`. */
function setMember(out: Record<string, unknown>, key: string, value: unknown): void {
  // `JSON.parse` makes `__proto__` an own property; assigning it would set the prototype.
  if (key === '__proto__')
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}
