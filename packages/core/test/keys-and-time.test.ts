import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry, MalformedEntryError } from '../src/backend.js';
import { toMilliseconds } from '../src/index.js';
import { stableStringify } from '../src/keys/stable-hash.js';

describe('durations', () => {
  it.each([
    [30, 30_000],
    [0.5, 500],
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['7d', 604_800_000],
    ['1.5 h', 5_400_000],
    ['1ms', 1],
    ['1.5ms', 2],
    ['3650d', 315_360_000_000],
  ] as const)('%j is %i ms', (input, ms) => {
    expect(toMilliseconds(input, 'ttl')).toBe(ms);
  });

  it.each([
    [-1],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    ['5'],
    ['5 weeks'],
    ['m5'],
    [0],
    // Below 1 ms (rounds to 0: "no expiry" on Redis) and above 10 years (past ~1e13 s the
    // entry header cannot hold the expiry).
    [0.0004],
    ['0.4ms'],
    [1e13],
    ['3651d'],
  ])('rejects %j', (input) => {
    expect(() => toMilliseconds(input as never, 'ttl')).toThrow(/^ttl: /);
  });

  it('a sub-millisecond duration is refused even where 0 is allowed', () => {
    expect(toMilliseconds(0, 'grace', true)).toBe(0);
    expect(() => toMilliseconds(0.0004, 'grace', true)).toThrow(/^grace: a duration is at least 1 ms/);
  });
});

describe('stableStringify', () => {
  it('ignores key order and keeps types apart', () => {
    expect(stableStringify({ a: 1, b: [2, { c: 3, d: 4 }] })).toBe(
      stableStringify({ b: [2, { d: 4, c: 3 }], a: 1 }),
    );
    const distinct = [
      1,
      '1',
      1n,
      true,
      'true',
      null,
      undefined,
      'undefined',
      new Date(0),
      new Date(0).toISOString(),
    ];
    expect(new Set(distinct.map(stableStringify)).size).toBe(distinct.length);
  });

  it('tells apart instances of classes that hold no enumerable state, and them from {}', () => {
    class JsonNull {}
    class DbNull {}
    const encoded = [new JsonNull(), new DbNull(), {}, Object.create(null)].map(stableStringify);
    expect(new Set(encoded.slice(0, 3)).size).toBe(3);
    expect(encoded[3]).toBe(encoded[2]); // a null-prototype object is plain data too
  });

  it('writes strings and keys as JSON does, escapes and non-ASCII included (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          // The characters at the edges of what needs escaping, often.
          fc.string({ unit: fc.constantFrom('a', ' ', '~', '"', '\\', '\n', '\u007f', 'é', '\ud800', '😀') }),
        ),
        (text) => {
          expect(stableStringify(text)).toBe(JSON.stringify(text));
          expect(stableStringify({ [text]: 1 })).toBe(`{${JSON.stringify(text)}:1}`);
        },
      ),
    );
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(stableStringify(a)).toContain('[Circular]');
  });

  it('orders keys by UTF-16 code units, for few keys and many (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.integer(), { maxKeys: 20 }), (record) => {
        const keys = Object.keys(record).sort();
        const expected = `{${keys.map((k) => `${JSON.stringify(k)}:${record[k]}`).join(',')}}`;
        expect(stableStringify(record)).toBe(expected);
      }),
    );
  });

  it('encodes deep nesting and cycles the same on either side of 32 levels', () => {
    for (const depth of [1, 31, 32, 33, 100]) {
      let nested: unknown = 1;
      for (let i = 0; i < depth; i++) nested = { k: [nested] };
      expect(stableStringify(nested)).toBe(`${'{"k":['.repeat(depth)}1${']}'.repeat(depth)}`);
      // A chain of `depth` objects whose last points back to the first.
      const first: Record<string, unknown> = {};
      let last = first;
      for (let i = 1; i < depth; i++) {
        const next: Record<string, unknown> = {};
        last.n = next;
        last = next;
      }
      last.back = first;
      last.z = depth;
      expect(stableStringify(first)).toBe(
        `${'{"n":'.repeat(depth - 1)}{"back":[Circular],"z":${depth}}${'}'.repeat(depth - 1)}`,
      );
    }
  });
});

describe('entry codec', () => {
  it('round-trips entries (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array(),
        fc.array(fc.record({ name: fc.string({ minLength: 1 }), version: fc.string() })),
        fc.nat(),
        (payload, tags, t) => {
          const entry = {
            payload,
            serializer: 'json',
            tags,
            createdAt: t,
            freshUntil: t + 1,
            staleUntil: t + 2,
          };
          const back = decodeEntry(encodeEntry(entry));
          expect({ ...back, payload: Array.from(back.payload) }).toEqual({
            ...entry,
            payload: Array.from(payload),
          });
        },
      ),
    );
  });

  it('rejects foreign and truncated bytes', () => {
    expect(() => decodeEntry(Buffer.from('hello'))).toThrow(MalformedEntryError);
    const good = encodeEntry({
      payload: Buffer.from('x'),
      serializer: 'json',
      tags: [{ name: 'tag', version: 'v' }],
      createdAt: 1,
      freshUntil: 2,
      staleUntil: 3,
    });
    for (let cut = 1; cut < good.byteLength - 1; cut++) {
      expect(() => decodeEntry(good.subarray(0, cut))).toThrow(MalformedEntryError);
    }
  });
});
