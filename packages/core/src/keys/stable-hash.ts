import { createHash } from 'node:crypto';

/**
 * A canonical string for `value`: object keys sorted, and types that JSON would merge kept
 * apart (`1`, `'1'`, `1n`, a Date and its ISO string, `undefined` and `null` all differ).
 * Used to derive cache keys from function arguments.
 */
export function stableStringify(value: unknown): string {
  return encode(value, new Set());
}

/** A short, stable digest of {@link stableStringify}`(value)` (SHA-256, base64url, 22 chars). */
export function stableHash(value: unknown): string {
  return hashString(stableStringify(value));
}

/** SHA-256 of a string as 22 base64url characters (132 bits). */
export function hashString(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

function encode(value: unknown, seen: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : `#${String(value)}`;
    case 'bigint':
      return `${value}n`;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return `Symbol(${value.description ?? ''})`;
    case 'function':
      return `Function(${value.name})`;
  }
  if (value === null) return 'null';
  const obj = value as object;
  if (seen.has(obj)) return '[Circular]';
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return `[${obj.map((v) => encode(v, seen)).join(',')}]`;
    if (obj instanceof Date) return `Date(${Number.isNaN(obj.getTime()) ? 'NaN' : obj.toISOString()})`;
    if (obj instanceof Map) {
      const entries = [...obj].map(([k, v]) => `${encode(k, seen)}=>${encode(v, seen)}`).sort();
      return `Map{${entries.join(',')}}`;
    }
    if (obj instanceof Set)
      return `Set{${[...obj]
        .map((v) => encode(v, seen))
        .sort()
        .join(',')}}`;
    if (ArrayBuffer.isView(obj)) {
      return `${obj.constructor.name}(${Buffer.from(obj.buffer, obj.byteOffset, obj.byteLength).toString('base64')})`;
    }
    const json = (obj as { toJSON?: () => unknown }).toJSON;
    if (typeof json === 'function')
      return `${obj.constructor?.name ?? 'Object'}(${encode(json.call(obj), seen)})`;
    const keys = Object.keys(obj).sort();
    const body = keys.map((k) => `${JSON.stringify(k)}:${encode((obj as Record<string, unknown>)[k], seen)}`);
    return `{${body.join(',')}}`;
  } finally {
    seen.delete(obj);
  }
}
