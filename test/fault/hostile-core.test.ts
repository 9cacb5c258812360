import {
  type CacheBackend,
  CacheService,
  CacheUsageError,
  MemcachedBackend,
  MemoryBackend,
  RedisBackend,
} from '@tagcache/core';
import { escapePattern } from '@tagcache/core/backend';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { memcachedServers, redisUrl } from '../support/test-servers.js';
import { figure } from './support/http-harness.js';

/**
 * Hostile keys, tags, values and patterns against every backend: each case works or ends in a
 * typed error (`CacheUsageError` thrown, or `false`/a miss with a `CacheError` code), nothing
 * crashes, a pattern built with `escapePattern` never widens, and sentinel entries survive.
 */

const redis = redisUrl();
const memcached = memcachedServers();
const targets: { name: string; backend: () => CacheBackend; patterns: boolean }[] = [
  // maxEntrySize far below the 100 MB value, as an application would configure it; room for
  // 10,000 tag versions (tag versions are entries too: with the default 10,000 entries, an
  // entry with 10,000 tags has its versions evicted and reads as a miss).
  {
    name: 'memory',
    backend: () => new MemoryBackend({ maxEntries: 50_000, maxEntrySize: 4 * 1024 * 1024 }),
    patterns: true,
  },
  ...(redis ? [{ name: 'redis', backend: () => new RedisBackend({ url: redis }), patterns: true }] : []),
  ...(memcached
    ? [{ name: 'memcached', backend: () => new MemcachedBackend({ servers: memcached }), patterns: false }]
    : []),
];

const SENTINELS: Record<string, unknown> = {
  'sentinel:a': { keep: 'a' },
  'user:2': { user: 2 },
  'admin:1': { admin: 1 },
};

for (const target of targets) {
  describe(`hostile input on ${target.name}`, () => {
    const cache = new CacheService({
      backend: target.backend(),
      prefix: `hostile-${target.name}-${Date.now()}:`,
      resilience: { timeout: '5s' },
    });
    const codes: string[] = [];
    cache.on('error', ({ error }) => {
      codes.push(error.code);
    });
    afterAll(async () => {
      await cache.close();
    });

    async function plantSentinels(): Promise<void> {
      for (const [key, value] of Object.entries(SENTINELS)) {
        expect(await cache.set(key, value, { ttl: 600, tags: ['sentinel'] })).toBe(true);
      }
    }
    async function expectSentinels(): Promise<void> {
      for (const [key, value] of Object.entries(SENTINELS)) expect(await cache.get(key)).toEqual(value);
    }

    /** `set` then `get`: either the value round-trips, or `set` said false with a typed error. */
    async function worksOrTyped(key: string, value: unknown, tags?: string[]): Promise<'ok' | string> {
      codes.length = 0;
      const stored = await cache.set(key, value, tags ? { tags } : {});
      if (!stored) {
        expect(codes.length).toBeGreaterThan(0);
        return codes[0]!;
      }
      expect(await cache.get(key)).toEqual(value);
      return 'ok';
    }

    it('keys: empty, reserved, 1 MB, control and glob characters, arbitrary unicode', async () => {
      await plantSentinels();
      await expect(cache.get('')).rejects.toThrow(CacheUsageError);
      await expect(cache.set('', 1)).rejects.toThrow(CacheUsageError);
      // Lone surrogates are refused: stored as UTF-8 they would become U+FFFD and share one entry.
      await expect(cache.set('user:\uD800', 1)).rejects.toThrow(/well-formed/);
      await expect(cache.get('user:\uDFFF')).rejects.toThrow(CacheUsageError);
      // Distinct well-formed keys never share an entry.
      const distinct = ['k:é', 'k:e\u0301', 'k:\u{1F600}', 'k:\uFFFD', 'k:?', 'k:*', 'k:\\*'];
      for (const key of distinct) expect(await cache.set(key, key)).toBe(true);
      for (const key of distinct) expect(await cache.get(key)).toBe(key);
      const outcomes: Record<string, number> = {};
      const count = (outcome: string): void => {
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      };
      for (const key of [
        'x'.repeat(1024 * 1024),
        '\u0000',
        '\r\nSET evil 1\r\n',
        'a b',
        '*',
        '?',
        '[a]',
        '\\',
        '{}',
      ]) {
        count(await worksOrTyped(key, { key: key.length }));
      }
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }), async (key) => {
          // (lone surrogates are refused, above; fast-check's 'binary' unit yields code points)
          try {
            count(await worksOrTyped(key, { key }));
          } catch (error) {
            expect(error).toBeInstanceOf(CacheUsageError);
            count('CacheUsageError');
          }
        }),
        { numRuns: 200 },
      );
      await expectSentinels();
      figure(`hostile keys (${target.name})`, { outcomes: JSON.stringify(outcomes) });
    }, 60_000);

    it('tags: CR/LF, commas, globs, 10,000 tags, a 1 MB tag; invalidation still exact', async () => {
      await plantSentinels();
      const outcomes: string[] = [];
      const cases: string[][] = [
        ['a\r\nb', 'c,d', 'e f', '*', '?', '\u0000', '\uFFFD', 'ünï'],
        Array.from({ length: 10_000 }, (_, i) => `many:${i}`),
        ['h'.repeat(1024 * 1024)],
      ];
      for (const [i, tags] of cases.entries()) {
        const outcome = await worksOrTyped(`tagged:${i}`, { i }, tags);
        outcomes.push(outcome);
        if (outcome !== 'ok') continue;
        expect(await cache.invalidateTags([tags.at(-1)!])).toBe(true);
        expect(await cache.get(`tagged:${i}`)).toBeUndefined();
      }
      await expect(cache.set('bad', 1, { tags: [''] })).rejects.toThrow(CacheUsageError);
      await expect(cache.set('bad', 1, { tags: [42 as unknown as string] })).rejects.toThrow(CacheUsageError);
      await expect(cache.set('bad', 1, { tags: ['\uD800'] })).rejects.toThrow(CacheUsageError);
      await expectSentinels();
      figure(`hostile tags (${target.name})`, { outcomes: outcomes.join(',') });
      expect(outcomes[0]).toBe('ok');
      expect(outcomes[1]).toBe('ok');
    }, 60_000);

    it('values: cycles, functions, 100 MB buffers, deep nesting, typed arrays', async () => {
      await plantSentinels();
      const cycle: Record<string, unknown> = { a: 1 };
      cycle.self = cycle;
      let deep: unknown = 'bottom';
      for (let i = 0; i < 100_000; i++) deep = { d: deep };
      // 100 MB against a memory backend that takes 4 MB entries, 2 MB against a memcached that
      // takes 1 MiB items (Redis takes 512 MB values: there a large value simply works).
      const large =
        target.name === 'memory'
          ? [['100MB', () => Buffer.alloc(100 * 1024 * 1024, 1), 'VALUE_TOO_LARGE'] as const]
          : target.name === 'memcached'
            ? [['2MB', () => Buffer.alloc(2 * 1024 * 1024, 1), 'VALUE_TOO_LARGE'] as const]
            : [];
      const cases: (readonly [string, () => unknown, string])[] = [
        ['cycle', () => cycle, 'SERIALIZATION'],
        ['function', () => ({ f: () => 1 }), 'SERIALIZATION'],
        ['symbol', () => ({ s: Symbol('x') }), 'SERIALIZATION'],
        ['float64', () => new Float64Array(4), 'SERIALIZATION'],
        ['deep', () => deep, 'SERIALIZATION'],
        ...large,
      ];
      const outcomes: Record<string, string> = {};
      for (const [name, make, code] of cases) {
        codes.length = 0;
        const value = make();
        expect(await cache.set(`value:${name}`, value)).toBe(false);
        outcomes[name] = codes.join('+');
        expect(codes).toEqual([code]);
        // getOrSet still answers with the loader's value, uncached.
        if (!name.endsWith('MB'))
          expect(await cache.getOrSet(`value:${name}`, async () => value)).toBe(value);
        expect(await cache.get(`value:${name}`)).toBeUndefined();
      }
      await expectSentinels();
      figure(`hostile values (${target.name})`, { outcomes: JSON.stringify(outcomes) });
    }, 120_000);

    if (target.patterns) {
      it('deletePattern built with escapePattern never widens (fast-check)', async () => {
        const victims = ['user:1', 'user:2', 'user:10', 'user:*', 'user:?', 'user:\\', 'user:[2]', 'user:'];
        const hostile = fc.string({
          unit: fc.constantFrom(
            '*',
            '?',
            '\\',
            '[',
            ']',
            '^',
            '{',
            '}',
            '-',
            ':',
            '1',
            '2',
            '0',
            'a',
            '\n',
            'é',
          ),
          maxLength: 6,
        });
        let cases = 0;
        await expect(cache.deletePattern('')).rejects.toThrow(CacheUsageError);
        await fc.assert(
          fc.asyncProperty(fc.oneof(hostile, fc.string({ unit: 'binary', maxLength: 8 })), async (input) => {
            cases++;
            for (const key of victims) await cache.set(key, key, { ttl: 600 });
            await cache.set('admin:1', 'admin', { ttl: 600 });
            const removed = await cache.deletePattern(`user:${escapePattern(input)}*`);
            const expected = victims.filter((key) => key.startsWith(`user:${input}`));
            expect(removed).toBe(expected.length);
            for (const key of victims) {
              expect(await cache.get(key)).toBe(expected.includes(key) ? undefined : key);
            }
            expect(await cache.get('admin:1')).toBe('admin');
          }),
          { numRuns: 150 },
        );
        figure(`pattern widening (${target.name})`, { cases });
      }, 120_000);
    }
  });
}
