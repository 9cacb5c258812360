import { CacheService, CacheUsageError, MemoryBackend, RedisBackend, V8Serializer } from '@tagcache/core';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl } from '../support/test-servers.js';
import { figure } from './support/http-harness.js';

const url = redisUrl();

/**
 * Bytes the service did not write, or wrote with another serializer, read as a miss and an
 * `error` event (SERIALIZATION), never a throw, a hang or code running. Planted through a raw
 * client in the same Redis, so the single-node Lua read path is exercised too.
 */
describe.skipIf(!url)('serializer safety: foreign, truncated, corrupted and planted entries', () => {
  const prefix = `serial-${Date.now()}:`;
  let raw: Redis;
  const services: CacheService[] = [];
  const codes: string[] = [];
  const service = (options: Partial<ConstructorParameters<typeof CacheService>[0]> = {}): CacheService => {
    const cache = new CacheService({ backend: new RedisBackend({ url: url! }), prefix, ...options });
    cache.on('error', ({ error }) => {
      codes.push(error.code);
    });
    services.push(cache);
    return cache;
  };
  beforeAll(() => {
    raw = new Redis(url!);
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => s.close()));
    await raw?.quit();
  });

  /** After every planted read: Redis still answers and nothing leaked into Object.prototype. */
  async function expectUnharmed(): Promise<void> {
    expect(await raw.ping()).toBe('PONG');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }

  it('an entry written by another serializer is a miss with a SERIALIZATION error', async () => {
    const json = service();
    const msgpack = service({ serializer: 'msgpack' });
    const v8 = service({ serializer: 'v8', allowV8: true });
    const compressed = service({ compress: { threshold: 0 } });
    const writers = [json, msgpack, v8, compressed];
    let pairs = 0;
    for (const [w, writer] of writers.entries()) {
      expect(await writer.set(`by-${w}`, { id: w, tags: ['x'] }, { tags: ['t'] })).toBe(true);
      for (const [r, reader] of writers.entries()) {
        codes.length = 0;
        const value = await reader.get(`by-${w}`);
        if (r === w) expect(value).toEqual({ id: w, tags: ['x'] });
        else {
          pairs++;
          expect(value).toBeUndefined();
          expect(codes).toEqual(['SERIALIZATION']);
        }
      }
    }
    figure('serializer safety: cross-serializer reads', { pairs });
  });

  it('truncated entries are misses, at every cut, through get and getOrSet', async () => {
    const cache = service();
    await cache.set('whole', { user: { id: 1, name: 'Ada', roles: ['a', 'b'] } }, { tags: ['u', 'v'] });
    const bytes = (await raw.getBuffer(`${prefix}|whole`))!;
    let cuts = 0;
    for (let length = 0; length < bytes.length; length++) {
      await raw.set(`${prefix}|cut`, bytes.subarray(0, length));
      codes.length = 0;
      expect(await cache.get('cut')).toBeUndefined();
      expect(codes.every((c) => c === 'SERIALIZATION')).toBe(true);
      cuts++;
    }
    expect(await cache.getOrSet('cut', async () => 'loaded')).toBe('loaded');
    await expectUnharmed();
    figure('serializer safety: truncations', { cuts });
  });

  it('corrupted and arbitrary planted bytes never throw, hang Redis or run code (fast-check)', async () => {
    const cache = service();
    const msgpack = service({ serializer: 'msgpack' });
    await cache.set('model', { a: [1, 2, 3], b: 'text' }, { tags: ['m'] });
    const model = (await raw.getBuffer(`${prefix}|model`))!;
    const header = (s: string) => Buffer.from(s, 'latin1');
    const planted = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.concat([header('tc1:'), b])),
      // Bit flips and byte changes in a real entry.
      fc
        .array(fc.tuple(fc.nat(model.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 })
        .map((edits) => {
          const copy = Buffer.from(model);
          for (const [at, byte] of edits) copy[at] = byte;
          return copy;
        }),
      // Absurd and hostile header numbers, for the JS decoder and the Lua script alike.
      fc
        .tuple(
          fc.constantFrom(
            '-5',
            '-1',
            '0x10',
            '1e3',
            '99999999999999',
            '999999999999999999',
            '',
            ' 1',
            '1.5',
            'nan',
          ),
          fc.constantFrom('-5', '0', '-999', '4294967295', '1e9', '0x7fffffff'),
          fc.string({ maxLength: 20 }),
        )
        .map(([count, length, rest]) => header(`tc1:${count}:${length}:${rest}${length}:-5:0:-5:`)),
      // Payloads that would be dangerous if evaluated or merged into objects.
      fc
        .constantFrom(
          '{"__proto__":{"polluted":true}}',
          '\u0001{"$t":"Function","v":"globalThis.polluted=1"}',
          '\u0001{"$t":"Date","v":{"toString":"x"}}',
          '\u0001{"$t":"Map","v":"not entries"}',
          '\u0001{"$t":"$","v":[["__proto__",{"polluted":true}]]}',
          `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
        )
        .map((payload) => header(`tc1:0:0:${Date.now() + 60_000}:${Date.now() + 60_000}:4:json${payload}`)),
    );
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(planted, async (bytes) => {
        cases++;
        await raw.set(`${prefix}|planted`, bytes);
        for (const reader of [cache, msgpack]) {
          await reader.get('planted'); // any value or undefined, never a throw
          expect(await reader.getOrSet('planted', async () => 'loaded')).toBeDefined();
        }
        await expectUnharmed();
      }),
      { numRuns: 300 },
    );
    figure('serializer safety: planted entries', { cases });
  });

  it("a planted header with a negative length cannot hang Redis (the Lua read's regression)", async () => {
    const cache = service();
    await raw.set(`${prefix}|evil`, 'tc1:99999999999999:0:-5:');
    codes.length = 0;
    expect(await cache.get('evil')).toBeUndefined();
    expect(codes).toEqual(['SERIALIZATION']);
    await expectUnharmed();
    expect(await cache.set('after', 1)).toBe(true);
    expect(await cache.get('after')).toBe(1);
  });

  it('v8 stays refused unless opted in', () => {
    const backend = new MemoryBackend();
    expect(() => new CacheService({ backend, serializer: 'v8' })).toThrow(CacheUsageError);
    expect(() => new CacheService({ backend, serializer: new V8Serializer() })).toThrow(CacheUsageError);
    expect(() => new CacheService({ backend, serializer: 'v8', allowV8: false })).toThrow(/allowV8/);
    expect(new CacheService({ backend, serializer: 'v8', allowV8: true })).toBeInstanceOf(CacheService);
  });
});
