import { JsonSerializer, type JsonType } from '@tagcache/core';

/** The part of Prisma's `Decimal` class the cache needs (decimal.js): built from its string or copied. */
export interface DecimalClass<D> {
  new (value: string | D): D;
  isDecimal?(value: unknown): boolean;
}

/**
 * The JSON serializer types that round-trip Prisma's values: `Decimal`, rebuilt with the
 * client's own class at full precision, and copied (not parsed again) on an in-process hit.
 * (Date, BigInt and `Uint8Array` are built into the core's JSON serializer; Json values are
 * plain data.)
 */
export function prismaJsonTypes<D extends object>(Decimal: DecimalClass<D>): JsonType[] {
  const decimal: JsonType<D> = {
    name: 'Decimal',
    is: (value: unknown): value is D =>
      value instanceof Decimal || (typeof Decimal.isDecimal === 'function' && Decimal.isDecimal(value)),
    encode: (value) => String(value),
    decode: (data) => new Decimal(String(data)),
    copy: (value) => new Decimal(value),
  };
  return [decimal as JsonType];
}

/**
 * A JSON serializer for Prisma results: pass it to `new CacheService({ serializer })`.
 * @example
 * ```ts
 * import { Prisma } from './generated/prisma/client.js';
 * const cache = new CacheService({ backend, serializer: prismaSerializer(Prisma) });
 * ```
 */
export function prismaSerializer<D extends object>(prisma: {
  readonly Decimal: DecimalClass<D>;
}): JsonSerializer {
  return new JsonSerializer({ types: prismaJsonTypes(prisma.Decimal) });
}
