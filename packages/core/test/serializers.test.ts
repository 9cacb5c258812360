import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CacheError,
  CacheService,
  CompressingSerializer,
  JsonSerializer,
  type JsonType,
  MemoryBackend,
  MsgpackSerializer,
  type Serializer,
  V8Serializer,
} from '../src/index.js';
import { memoryCache } from './support/factories.js';

/** Values the serializers promise to round-trip exactly; `keys` are object keys worth trying. */
const valueWith = (keys: string[]): fc.Arbitrary<unknown> =>
  fc.letrec((tie) => ({
    leaf: fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.bigInt(),
      fc.date(),
      fc.uint8Array().map((a) => new Uint8Array(a)),
      fc.uint8Array().map((a) => Buffer.from(a)),
      fc.constantFrom('$t', '{"$t":"Date","v":"2020-01-01"}', '2024-01-01T00:00:00.000Z'),
    ),
    node: fc.oneof(
      { depthSize: 'small' },
      tie('leaf'),
      fc.array(tie('node'), { maxLength: 4 }),
      fc.dictionary(fc.oneof(fc.string(), fc.constantFrom(...keys)), tie('node'), {
        maxKeys: 4,
        noNullPrototype: true,
      }),
      fc.array(fc.tuple(fc.string(), tie('node')), { maxLength: 3 }).map((e) => new Map(e)),
      fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 3 }).map((e) => new Set(e)),
      fc.record({ $t: tie('leaf'), v: tie('leaf') }, { noNullPrototype: true }),
    ),
  })).node;
const value = valueWith(['$t', 'v', '__proto__']);

function roundTrips(serializer: Serializer): void {
  fc.assert(
    fc.property(value, (v) => {
      expect(serializer.deserialize(serializer.serialize(v))).toStrictEqual(v);
    }),
    { numRuns: 2_000 },
  );
}

describe('JsonSerializer', () => {
  it('round-trips Date, BigInt, Map, Set, Uint8Array, Buffer and look-alike objects (property)', () => {
    roundTrips(new JsonSerializer());
  });

  it('keeps undefined at the top level and in arrays, NaN and Infinity', () => {
    const json = new JsonSerializer();
    for (const v of [undefined, [1, undefined, 3], Number.NaN, Number.POSITIVE_INFINITY, -Number.MAX_VALUE]) {
      expect(json.deserialize(json.serialize(v))).toStrictEqual(v);
    }
  });

  it('writes plain JSON when nothing needs a tag', () => {
    const bytes = new JsonSerializer().serialize({ a: [1, 'x', null] });
    expect(Buffer.from(bytes).toString()).toBe('{"a":[1,"x",null]}');
  });

  it('refuses functions, symbols and cycles, saying what and where', () => {
    const json = new JsonSerializer();
    expect(() => json.serialize({ fn: () => 1 })).toThrow(/function.*'fn'/);
    expect(() => json.serialize({ s: Symbol('x') })).toThrow(/symbol/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => json.serialize(cyclic)).toThrow(/not serializable.*circular/i);
    expect(() => json.serialize(new Float64Array(2))).toThrow(/Float64Array/);
  });

  it('learns types by data tag and never evaluates stored text', () => {
    class Money {
      constructor(readonly cents: bigint) {}
    }
    const moneyType: JsonType<Money> = {
      name: 'Money',
      is: (v): v is Money => v instanceof Money,
      encode: (m) => m.cents.toString(),
      decode: (s) => new Money(BigInt(s as string)),
    };
    const json = new JsonSerializer().extend([moneyType]);
    const back = json.deserialize(json.serialize({ price: new Money(1999n) })) as { price: Money };
    expect(back.price).toBeInstanceOf(Money);
    expect(back.price.cents).toBe(1999n);
    // Planted data naming an unknown type is refused, not executed.
    const planted = Buffer.concat([Buffer.from([1]), Buffer.from('{"$t":"Function","v":"process.exit(1)"}')]);
    expect(() => json.deserialize(planted)).toThrow(/unknown data tag 'Function'/);
    expect(() => new JsonSerializer({ types: [{ ...moneyType, name: 'Date' }] })).toThrow(/reserved/);
  });
});

describe('MsgpackSerializer and V8Serializer', () => {
  it('msgpack round-trips the same values (property)', () => {
    const msgpack = new MsgpackSerializer();
    fc.assert(
      // msgpackr renames `__proto__` keys on purpose (prototype pollution): documented, excluded.
      fc.property(valueWith(['$t', 'v']), (v) => {
        const back = msgpack.deserialize(msgpack.serialize(v));
        // msgpack has one binary type: Buffers come back as Uint8Array-compatible views.
        expect(normalizeBinary(back)).toStrictEqual(normalizeBinary(v));
      }),
      { numRuns: 1_000 },
    );
  });

  it('v8 needs an explicit opt-in', () => {
    expect(() => new CacheService({ backend: new MemoryBackend(), serializer: 'v8' })).toThrow(/allowV8/);
    expect(() => new CacheService({ backend: new MemoryBackend(), serializer: new V8Serializer() })).toThrow(
      /allowV8/,
    );
    expect(
      () => new CacheService({ backend: new MemoryBackend(), serializer: 'v8', allowV8: true }),
    ).not.toThrow();
  });
});

describe('CompressingSerializer', () => {
  it('compresses above the threshold and reads both forms back', () => {
    const z = new CompressingSerializer(new JsonSerializer(), { threshold: 100 });
    const small = { a: 1 };
    const large = { text: 'abc'.repeat(1_000) };
    expect(z.serialize(small)[0]).toBe(0);
    const packed = z.serialize(large);
    expect(packed[0]).toBe(1);
    expect(packed.byteLength).toBeLessThan(300);
    expect(z.deserialize(z.serialize(small))).toEqual(small);
    expect(z.deserialize(packed)).toEqual(large);
    const brotli = new CompressingSerializer(new JsonSerializer(), { threshold: 100, algorithm: 'brotli' });
    expect(brotli.deserialize(brotli.serialize(large))).toEqual(large);
  });

  it('round-trips any value (property)', () => {
    roundTrips(new CompressingSerializer(new JsonSerializer(), { threshold: 16 }));
  });
});

describe('serialization through the service', () => {
  it('an unserializable value makes set return false with a SERIALIZATION error naming the key; nothing else is affected', async () => {
    const { cache } = memoryCache();
    await cache.set('neighbour', 'intact');
    const errors: CacheError[] = [];
    cache.on('error', ({ error }) => errors.push(error));
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(await cache.set('bad', { fn: () => 1 })).toBe(false);
    expect(await cache.set('cyclic', cyclic)).toBe(false);
    expect(errors.map((e) => [e.code, e.key])).toEqual([
      ['SERIALIZATION', '|bad'],
      ['SERIALIZATION', '|cyclic'],
    ]);
    expect(errors[0]!.message).toContain("'|bad'");
    expect(await cache.get('neighbour')).toBe('intact');
    expect(await cache.has('bad')).toBe(false);
  });

  it('getOrSet still returns an unserializable value, uncached', async () => {
    const { cache } = memoryCache();
    const fn = () => 1;
    expect(await cache.getOrSet('k', () => ({ fn }))).toEqual({ fn });
    expect(await cache.has('k')).toBe(false);
  });

  it('an oversized value fails with VALUE_TOO_LARGE and loses nothing else', async () => {
    const cache = new CacheService({ backend: new MemoryBackend({ maxEntrySize: 1_000 }) });
    await cache.set('small', 'ok');
    const codes: string[] = [];
    cache.on('error', ({ error }) => codes.push(error.code));
    expect(await cache.set('big', 'x'.repeat(5_000))).toBe(false);
    expect(codes).toEqual(['VALUE_TOO_LARGE']);
    expect(await cache.get('small')).toBe('ok');
  });

  it('entries written by another serializer, corrupted or planted are misses, reported, never thrown', async () => {
    const backend = new MemoryBackend();
    const msgpack = new CacheService({ backend, serializer: 'msgpack' });
    const json = new CacheService({ backend });
    await msgpack.set('k', { a: 1 });
    const codes: string[] = [];
    json.on('error', ({ error }) => codes.push(error.code));
    expect(await json.get('k')).toBeUndefined();
    await backend.set('|planted', Buffer.from('not an entry at all'));
    expect(await json.get('planted')).toBeUndefined();
    const good = await json.set('trunc', { a: 'b'.repeat(100) });
    expect(good).toBe(true);
    const stored = await backend.get('|trunc');
    if (stored.ok && stored.value) await backend.set('|trunc', stored.value.subarray(0, 60));
    expect(await json.get('trunc')).toBeUndefined();
    expect(codes).toEqual(['SERIALIZATION', 'SERIALIZATION', 'SERIALIZATION']);
  });
});

/** What msgpack cannot tell apart: Buffer vs Uint8Array, -0 vs 0 (documented). */
function normalizeBinary(v: unknown): unknown {
  if (Object.is(v, -0)) return 0;
  if (v instanceof Uint8Array) return Array.from(v);
  if (Array.isArray(v)) return v.map(normalizeBinary);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, normalizeBinary(x)]));
  if (v instanceof Set) return v;
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalizeBinary(x)]));
  }
  return v;
}
