import { describe, expect, it } from 'vitest';
import { Cached, type CacheService } from '../src/index.js';
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
