import { describe, expect, it } from 'vitest';
import { Cached, type CacheService, CacheUsageError } from '../src/index.js';
import { memoryCache } from './support/factories.js';

describe('cache.wrap', () => {
  it('caches by arguments, with tags from the arguments', async () => {
    const { cache } = memoryCache();
    let calls = 0;
    async function loadUser(id: number, opts: { full: boolean }) {
      calls++;
      return { id, full: opts.full };
    }
    const getUser = cache.wrap(loadUser, { ttl: 60, tags: (id) => [`user:${id}`] });
    expect(await getUser(1, { full: true })).toEqual({ id: 1, full: true });
    expect(await getUser(1, { full: true })).toEqual({ id: 1, full: true });
    expect(calls).toBe(1);
    await getUser(1, { full: false });
    await getUser(2, { full: true });
    expect(calls).toBe(3);
    await cache.invalidateTags(['user:1']);
    await getUser(1, { full: true });
    await getUser(2, { full: true });
    expect(calls).toBe(4);
  });

  it('distinguishes 1 from "1" and 1n, and ignores object key order', async () => {
    const { cache } = memoryCache();
    let calls = 0;
    const f = cache.wrap(async (_x: unknown) => ++calls, { name: 'f' });
    await f(1);
    await f('1');
    await f(1n);
    expect(calls).toBe(3);
    await f({ a: 1, b: 2 });
    await f({ b: 2, a: 1 });
    expect(calls).toBe(4);
  });

  it('refuses an anonymous function without a name or key', () => {
    const { cache } = memoryCache();
    expect(() =>
      cache.wrap(
        (
          () => async () =>
            1
        )(),
      ),
    ).toThrow(/name/);
  });

  class Account {
    readonly #balance: number;
    constructor(balance: number) {
      this.#balance = balance;
    }
    get balance(): number {
      return this.#balance;
    }
  }

  // Each pair used to hash alike: the second call returned the first call's result.
  it.each([
    ['arrow functions', () => 1, () => 2, 'args[0]'],
    ['objects whose state is in private fields and getters', new Account(1), new Account(2), 'args[0]'],
    ['Errors', new Error('a'), new Error('b'), 'args[0]'],
    ['symbols not from Symbol.for', Symbol('x'), Symbol('x'), 'args[0]'],
    ['nested in a plain object', { on: () => 1 }, { on: () => 2 }, 'args[0].on'],
    ['symbol-keyed properties', { [Symbol('a')]: 1 }, { [Symbol('a')]: 2 }, 'args[0]'],
  ] as const)(
    'refuses %s with CacheUsageError naming the argument, runs nothing, stores nothing',
    async (_, a, b, field) => {
      const { cache, memory } = memoryCache();
      let calls = 0;
      const f = cache.wrap(async (_x: unknown) => ++calls, { name: 'f' });
      for (const argument of [a, b]) {
        const call = f(argument);
        await expect(call).rejects.toThrow(CacheUsageError);
        await expect(call).rejects.toThrow(new RegExp(`^${field.replace(/[.[\]]/g, '\\$&')}: .*key`));
      }
      expect(calls).toBe(0);
      expect(memory.size).toBe(0);
    },
  );

  it('accepts what it can see into: plain objects, arrays, Map, Set, Date, bytes, toJSON, Symbol.for', async () => {
    const { cache } = memoryCache();
    let calls = 0;
    const f = cache.wrap(async (..._args: unknown[]) => ++calls, { name: 'f' });
    const args = [
      { a: [1, 'x'], b: new Map([[1, new Set([2])]]) },
      new Date(0),
      new Uint8Array([1, 2]),
      new URL('https://example.com/a'),
      Symbol.for('x'),
      Object.create(null),
    ];
    expect(await f(...args)).toBe(1);
    expect(await f(...args)).toBe(1);
    expect(await f(Symbol.for('y'))).toBe(2);
    expect(await f(new URL('https://example.com/b'))).toBe(3);
  });

  it('a key function makes any argument acceptable', async () => {
    const { cache } = memoryCache();
    const f = cache.wrap(async (account: Account) => account.balance, {
      key: (account) => `acct:${account.balance}`,
    });
    expect(await f(new Account(1))).toBe(1);
    expect(await f(new Account(2))).toBe(2);
  });

  it('accepts a custom key', async () => {
    const { cache } = memoryCache();
    const f = cache.wrap(async (id: number) => id * 2, { key: (id) => `double:${id}` });
    await f(21);
    expect(await cache.get('double:21')).toBe(42);
  });
});

describe('@Cached', () => {
  class Users {
    calls = 0;
    constructor(readonly cache: CacheService) {}

    @Cached({ cache: (self: Users) => self.cache, ttl: 60, tags: (id: number) => [`user:${id}`] })
    async find(id: number): Promise<{ id: number; by: string }> {
      this.calls++;
      return { id, by: this.constructor.name };
    }
  }

  it('caches a method per arguments, with `this` intact and the class name in the key', async () => {
    const { cache } = memoryCache();
    const users = new Users(cache);
    expect(await users.find(7)).toEqual({ id: 7, by: 'Users' });
    expect(await users.find(7)).toEqual({ id: 7, by: 'Users' });
    expect(users.calls).toBe(1);
    await cache.invalidateTags(['user:7']);
    await users.find(7);
    expect(users.calls).toBe(2);
    expect(await cache.deletePattern('Users.find:*')).toBe(1);
  });

  it('also works with experimentalDecorators-style calls', async () => {
    const { cache } = memoryCache();
    let calls = 0;
    const target = {
      async twice(n: number) {
        calls++;
        return n * 2;
      },
    };
    const descriptor = Object.getOwnPropertyDescriptor(target, 'twice')!;
    const decorated = Cached<unknown, [number], number>({ cache, name: 'legacy' })(
      target,
      'twice',
      descriptor,
    );
    const method = decorated.value as (n: number) => Promise<number>;
    expect(await method.call(target, 4)).toBe(8);
    expect(await method.call(target, 4)).toBe(8);
    expect(calls).toBe(1);
  });
});
