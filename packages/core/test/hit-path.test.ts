import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CacheService, JsonSerializer, type JsonType, MemoryBackend } from '../src/index.js';
import { LoopbackHub } from '../src/testing/index.js';
import { INTERNAL_KEY_PREFIX } from '../src/types/backend.js';
import { NOT_PLAIN, plainCopy } from '../src/values/plain-copy.js';

class Money {
  constructor(readonly cents: bigint) {}
}
/** A mutable class, for the `copy` hook of a JsonType. */
class Tally {
  constructor(public count: number) {}
}
const moneyType: JsonType<Money> = {
  name: 'Money',
  is: (v): v is Money => v instanceof Money,
  encode: (v) => v.cents.toString(),
  decode: (d) => new Money(BigInt(d as string)),
};

/** Whether `a` and `b` share no object at any depth. */
function disjoint(a: unknown, b: unknown, seen = new Set<unknown>()): boolean {
  if (typeof a !== 'object' || a === null) return true;
  if (a === b) return false;
  if (seen.has(a)) return true;
  seen.add(a);
  if (a instanceof Map)
    return [...a].every(
      ([k, v], i) =>
        disjoint(v, [...(b as Map<unknown, unknown>).values()][i], seen) && typeof k !== 'object',
    );
  if (a instanceof Set) return [...a].every((v, i) => disjoint(v, [...(b as Set<unknown>)][i], seen));
  return Object.keys(a).every((k) =>
    disjoint((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], seen),
  );
}

/** Both in-process hit paths: the memory backend, and an L1 in front of a shared store. */
const tiers = [
  [
    'memory backend',
    (opts: { sharedValues?: boolean; serializer?: JsonSerializer } = {}) =>
      new CacheService({ backend: new MemoryBackend(), ...opts }),
  ],
  [
    'L1 tier',
    (opts: { sharedValues?: boolean; serializer?: JsonSerializer } = {}) =>
      new CacheService({ backend: new MemoryBackend(), l1: {}, bus: new LoopbackHub().connect(), ...opts }),
  ],
] as const;

describe.each(tiers)('in-process hits: %s', (_name, make) => {
  it('a value a reader mutates is never what the next caller gets (get and getOrSet)', async () => {
    const cache = make();
    const stored = {
      list: [1, 2],
      nested: { when: new Date(0), ids: new Set([1]) },
      bytes: Buffer.from('ab'),
    };
    await cache.set('k', stored, { tags: ['t'] });
    await cache.get('k'); // an L1 learns the tag's version from its first read
    for (let i = 0; i < 3; i++) {
      const read = (await cache.get<typeof stored>('k'))!;
      const loaded = (await cache.getOrSet('k', () => stored, { tags: ['t'] }))!;
      for (const value of [read, loaded]) {
        value.list.push(99);
        value.nested.when.setTime(1);
        value.nested.ids.add(2);
        value.bytes[0] = 0;
      }
    }
    stored.list.push(100); // nor does the writer's object, after the write
    expect(await cache.get('k')).toEqual({
      list: [1, 2],
      nested: { when: new Date(0), ids: new Set([1]) },
      bytes: Buffer.from('ab'),
    });
  });

  it('values the copy does not know (a class taught to the JSON serializer) are deserialized again', async () => {
    const cache = make({ serializer: new JsonSerializer({ types: [moneyType] }) });
    await cache.set('m', { price: new Money(199n) });
    await cache.get('m');
    const first = await cache.get<{ price: Money }>('m');
    const second = await cache.get<{ price: Money }>('m');
    expect(first!.price).toBeInstanceOf(Money);
    expect(first!.price).not.toBe(second!.price);
    expect(second).toEqual({ price: new Money(199n) });
  });

  it("a class whose JsonType has `copy` is copied, never decoded again, and a reader's change stays its own", async () => {
    let decoded = 0;
    const tallyType: JsonType<Tally> = {
      name: 'Tally',
      is: (v): v is Tally => v instanceof Tally,
      encode: (v) => v.count,
      decode: (d) => {
        decoded++;
        return new Tally(d as number);
      },
      copy: (v) => new Tally(v.count),
    };
    const cache = make({ serializer: new JsonSerializer({ types: [tallyType] }) });
    await cache.set('t', { tallies: [new Tally(1)] });
    await cache.get('t'); // decodes once, and keeps the decoded value
    const decodedOnce = decoded;
    for (let i = 0; i < 3; i++) {
      const read = (await cache.get<{ tallies: Tally[] }>('t'))!;
      expect(read.tallies[0]).toBeInstanceOf(Tally);
      expect(read.tallies[0]!.count).toBe(1);
      read.tallies[0]!.count = 99;
    }
    expect(decoded).toBe(decodedOnce);
  });

  it('sharedValues hands every reader the same object (the documented opt-in)', async () => {
    const cache = make({ sharedValues: true });
    await cache.set('k', { n: 1 });
    await cache.get('k');
    expect(await cache.get('k')).toBe(await cache.get('k'));
  });

  it('a hit is answered without an await in between: its promise is settled one microtask later', async () => {
    const cache = make();
    await cache.set('k', { n: 1 }, { tags: ['a', 'b'] });
    await cache.get('k');
    for (const call of [
      () => cache.get('k'),
      () => cache.getOrSet('k', () => ({ n: 2 }), { tags: ['a', 'b'] }),
    ]) {
      let answered: unknown;
      void call().then((value) => {
        answered = value;
      });
      await Promise.resolve();
      expect(answered).toEqual({ n: 1 });
    }
  });
});

describe('memory backend hit path', () => {
  it('an entry whose tag version record vanished after its hits is a miss; a new version too', async () => {
    const memory = new MemoryBackend();
    const cache = new CacheService({ backend: memory });
    await cache.set('k', 1, { tags: ['a', 'b'] });
    await cache.set('j', 2, { tags: ['a', 'b'] });
    await cache.set('never-read', 0, { tags: ['c'] });
    await memory.delete('__tc:t:|c');
    expect(await cache.get('never-read')).toBeUndefined();
    expect([await cache.get('k'), await cache.get('k'), await cache.get('j')]).toEqual([1, 1, 2]);
    await memory.delete('__tc:t:|b'); // evicted
    expect(await cache.get('k')).toBeUndefined();
    await cache.set('k', 3, { tags: ['a', 'b'] });
    expect([await cache.get('k'), await cache.get('k')]).toEqual([3, 3]);
    await cache.invalidateTags(['a']);
    expect([await cache.get('k'), await cache.get('j')]).toEqual([undefined, undefined]);
  });

  it('an entry whose tag version record expired after its hits is a miss, no record having changed', async () => {
    const cache = new CacheService({ backend: new MemoryBackend(), tagTtl: '60ms', defaultTtl: '1h' });
    await cache.set('k', 1, { tags: ['a', 'b'] });
    // Hits remember their tags' records as current while the record store is unchanged.
    expect([cache.hitNow('k')?.value, cache.hitNow('k')?.value]).toEqual([1, 1]);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(cache.hitNow('k')).toBeUndefined();
    expect(await cache.get('k')).toBeUndefined();
  });

  it("the first hit after any record changed reads the entry's tag versions again, keeping them recently used", async () => {
    const memory = new MemoryBackend({ maxRecords: 8 });
    const cache = new CacheService({ backend: memory, defaultTtl: '1h' });
    await cache.set('k', 1, { tags: ['a', 'b'] });
    expect(await cache.get('k')).toBe(1);
    for (const tags of [
      ['c', 'd'],
      ['e', 'f'],
      ['g', 'h'],
    ]) {
      await cache.set(tags.join(), 0, { tags });
      expect(await cache.get('k')).toBe(1);
    }
    // Two more records evict the two least recently used: c and d, not k's (read after each change).
    await cache.set('i,j', 0, { tags: ['i', 'j'] });
    expect(memory.records).toBe(8);
    expect([await cache.get('k'), await cache.get('c,d'), await cache.get('e,f')]).toEqual([1, undefined, 0]);
  });

  it('every write of a record moves the change counter, a counter bump (incr) included', async () => {
    const memory = new MemoryBackend();
    const changes = (): number => memory.inProcess.recordChanges?.() ?? Number.NaN;
    const writes: [string, () => Promise<unknown>][] = [
      ['set', () => memory.set(`${INTERNAL_KEY_PREFIX}r`, new Uint8Array([1]))],
      ['incr of a new counter', () => memory.incr(`${INTERNAL_KEY_PREFIX}n`)],
      ['incr of an existing counter', () => memory.incr(`${INTERNAL_KEY_PREFIX}n`)],
      ['delete', () => memory.delete(`${INTERNAL_KEY_PREFIX}r`)],
    ];
    for (const [name, write] of writes) {
      const before = changes();
      await write();
      expect(changes(), name).toBeGreaterThan(before);
    }
  });
});

describe('plainCopy', () => {
  it('copies what the JSON serializer produces, sharing nothing (property)', () => {
    const json = new JsonSerializer();
    const leaf = fc.oneof(
      fc.string(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.bigInt(),
      fc.date({ noInvalidDate: true }),
    );
    const tree = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('node')),
        fc.dictionary(fc.string(), tie('node')),
        fc.uint8Array().map((b) => Buffer.from(b)),
        fc.array(fc.tuple(fc.string(), tie('node'))).map((e) => new Map(e)),
      ),
    })).node;
    fc.assert(
      fc.property(tree, (value) => {
        const decoded = json.deserialize(json.serialize(value));
        const copy = plainCopy(decoded);
        expect(copy).toEqual(decoded);
        expect(disjoint(copy, decoded)).toBe(true);
      }),
    );
  });

  it("keeps a '__proto__' key an own property (never a prototype)", () => {
    const decoded = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    const copy = plainCopy(decoded) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The member is a copy too (the spread copy replaces object members): changing it changes
    // neither the kept value nor the next copy.
    const member = (of: object) =>
      Object.getOwnPropertyDescriptor(of, '__proto__')?.value as { polluted: boolean };
    expect(member(copy)).not.toBe(member(decoded));
    member(copy).polluted = false;
    expect(member(plainCopy(decoded) as object)).toEqual({ polluted: true });
  });

  it('copies a null-prototype object as one, and objects under it', () => {
    const decoded = Object.assign(Object.create(null) as Record<string, unknown>, {
      a: 1,
      at: new Date(5),
      inner: { b: [2] },
    });
    const copy = plainCopy(decoded) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBeNull();
    expect(copy).toEqual(decoded);
    expect(disjoint(copy, decoded)).toBe(true);
  });

  it('gives up on class instances and on nesting past its depth limit', () => {
    expect(plainCopy({ a: [new Money(1n)] })).toBe(NOT_PLAIN);
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(plainCopy(deep)).toBe(NOT_PLAIN);
  });
});
