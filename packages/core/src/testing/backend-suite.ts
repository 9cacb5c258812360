import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeEntry } from '../entry/entry-codec.js';
import type { Result } from '../result.js';
import { type CacheBackend, INTERNAL_KEY_PREFIX } from '../types/backend.js';

/** How to run the conformance suite against one backend. */
export interface BackendSuiteOptions {
  /** Shown in the test names. */
  readonly name: string;
  /** Builds the backend under test (called once for the suite). */
  readonly create: () => CacheBackend | Promise<CacheBackend>;
  /** Expiry granularity: how long to wait past a TTL before expecting a miss. Default 50 ms. */
  readonly ttlSlackMs?: number;
  /** Shortest TTL the backend honours, in ms (memcached: 1,000). Default 100. */
  readonly minTtlMs?: number;
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (value: Uint8Array | undefined): string | undefined =>
  value === undefined ? undefined : new TextDecoder().decode(value);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected Ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

/**
 * The behaviour every `CacheBackend` must show, written once and run against each backend
 * (memory, Redis, Redis Cluster, memcached, and yours). Documented exceptions come from the
 * backend's `capabilities` (e.g. no `deletePattern` on memcached).
 */
export function backendConformanceSuite(options: BackendSuiteOptions): void {
  const slack = options.ttlSlackMs ?? 50;
  const minTtl = options.minTtlMs ?? 100;

  describe(`CacheBackend conformance: ${options.name}`, () => {
    let backend: CacheBackend;
    // Every run gets its own namespace, so a shared server's other data is never touched.
    const ns = `conf-${randomBytes(4).toString('hex')}:`;
    const k = (key: string): string => ns + key;

    beforeAll(async () => {
      backend = await options.create();
    });
    afterAll(async () => {
      await backend?.close();
    });

    it('returns undefined for a missing key', async () => {
      expect(unwrap(await backend.get(k('missing')))).toBeUndefined();
    });

    it('stores and returns bytes unchanged, binary included', async () => {
      const value = new Uint8Array([0, 1, 2, 0xff, 0x0a, 0x0d, 0x20, 0x3a]);
      unwrap(await backend.set(k('bin'), value, 60_000));
      expect(Buffer.from(unwrap(await backend.get(k('bin')))!)).toEqual(Buffer.from(value));
    });

    it('overwrites on set', async () => {
      unwrap(await backend.set(k('over'), bytes('a'), 60_000));
      unwrap(await backend.set(k('over'), bytes('b'), 60_000));
      expect(text(unwrap(await backend.get(k('over'))))).toBe('b');
    });

    it('getMany returns values in order, undefined for misses', async () => {
      unwrap(await backend.set(k('m1'), bytes('one'), 60_000));
      unwrap(await backend.set(k('m3'), bytes('three'), 60_000));
      const values = unwrap(await backend.getMany([k('m1'), k('m2'), k('m3')]));
      expect(values.map(text)).toEqual(['one', undefined, 'three']);
      expect(unwrap(await backend.getMany([]))).toEqual([]);
    });

    it('accepts keys with spaces, unicode, glob characters and 1,000 characters', async () => {
      const keys = [
        k('with space'),
        k('ünïcødé-🔑'),
        k('a*b?c[d]e\\f'),
        k('x'.repeat(1000)),
        k('line\nbreak'),
      ];
      for (const [i, key] of keys.entries()) unwrap(await backend.set(key, bytes(`v${i}`), 60_000));
      for (const [i, key] of keys.entries()) expect(text(unwrap(await backend.get(key)))).toBe(`v${i}`);
      // Hashing a long key must not make two keys collide.
      unwrap(await backend.set(k(`${'x'.repeat(999)}y`), bytes('other'), 60_000));
      expect(text(unwrap(await backend.get(k('x'.repeat(1000)))))).toBe('v3');
    });

    it('expires entries after their TTL', async () => {
      unwrap(await backend.set(k('ttl'), bytes('soon gone'), minTtl));
      unwrap(await backend.set(k('ttl-long'), bytes('stays'), 60_000));
      expect(text(unwrap(await backend.get(k('ttl'))))).toBe('soon gone');
      await sleep(minTtl + slack);
      expect(unwrap(await backend.get(k('ttl')))).toBeUndefined();
      expect(text(unwrap(await backend.get(k('ttl-long'))))).toBe('stays');
    });

    it('add stores only when the key is absent (or expired)', async () => {
      expect(unwrap(await backend.add(k('add'), bytes('first'), 60_000))).toBe(true);
      expect(unwrap(await backend.add(k('add'), bytes('second'), 60_000))).toBe(false);
      expect(text(unwrap(await backend.get(k('add'))))).toBe('first');
      // Expiry on its own key: a loaded machine may take longer than minTtl between two calls.
      expect(unwrap(await backend.add(k('add-expiring'), bytes('first'), minTtl))).toBe(true);
      await sleep(minTtl + slack);
      expect(unwrap(await backend.add(k('add-expiring'), bytes('third'), 60_000))).toBe(true);
      expect(text(unwrap(await backend.get(k('add-expiring'))))).toBe('third');
    });

    it('add lets exactly one of many concurrent callers win', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => backend.add(k('add-race'), bytes(String(i)), 60_000)),
      );
      expect(results.map(unwrap).filter(Boolean)).toHaveLength(1);
    });

    it('delete says whether the key existed', async () => {
      unwrap(await backend.set(k('del'), bytes('x'), 60_000));
      expect(unwrap(await backend.delete(k('del')))).toBe(true);
      expect(unwrap(await backend.delete(k('del')))).toBe(false);
      expect(unwrap(await backend.get(k('del')))).toBeUndefined();
    });

    it('incr counts from zero and by any step', async () => {
      expect(unwrap(await backend.incr(k('n'), 1, 60_000))).toBe(1);
      expect(unwrap(await backend.incr(k('n'), 5, 60_000))).toBe(6);
      expect(unwrap(await backend.incr(k('n'), undefined, 60_000))).toBe(7);
    });

    it('reports health with a latency', async () => {
      const health = unwrap(await backend.health());
      expect(health.latencyMs).toBeGreaterThanOrEqual(0);
    });

    it('deletePattern removes exactly the matching keys, or says NOT_SUPPORTED', async () => {
      const keys = [
        'user:1',
        'user:10',
        'user:2',
        'user:1:posts',
        'users',
        'user:[1]',
        'user:*lit',
        'other:1',
      ];
      for (const key of keys) unwrap(await backend.set(k(key), bytes(key), 60_000));
      const internal = `${INTERNAL_KEY_PREFIX}t:${ns}user:1`;
      unwrap(await backend.set(internal, bytes('tag version'), 60_000));
      const result = await backend.deletePattern(`${ns}user:1*`);
      if (!backend.capabilities.deletePattern) {
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.error.code).toBe('NOT_SUPPORTED');
        return;
      }
      expect(unwrap(result)).toBe(3);
      const left = async (key: string) => text(unwrap(await backend.get(k(key))));
      expect(await left('user:1')).toBeUndefined();
      expect(await left('user:10')).toBeUndefined();
      expect(await left('user:1:posts')).toBeUndefined();
      expect(await left('user:2')).toBe('user:2');
      // '?' is one character; other glob syntax of Redis is literal here.
      expect(unwrap(await backend.deletePattern(`${ns}user?`))).toBe(1);
      expect(await left('users')).toBeUndefined();
      expect(unwrap(await backend.deletePattern(`${ns}user:[1]`))).toBe(1);
      expect(await left('user:[1]')).toBeUndefined();
      expect(unwrap(await backend.deletePattern(`${ns}user:\\*lit`))).toBe(1);
      expect(await left('user:2')).toBe('user:2');
      expect(await left('other:1')).toBe('other:1');
      // The service's own records are never matched.
      expect(text(unwrap(await backend.get(internal)))).toBe('tag version');
      unwrap(await backend.delete(internal));
    });

    it('peek, when offered, reads like get (entries and service records; undefined when absent)', async (ctx) => {
      if (!backend.peek) return ctx.skip();
      unwrap(await backend.set(k('peeked'), bytes('value'), 60_000));
      expect(text(unwrap(await backend.peek(k('peeked'))))).toBe('value');
      expect(unwrap(await backend.peek(k('no-such-key')))).toBeUndefined();
      const record = `${INTERNAL_KEY_PREFIX}peek:${ns}`;
      unwrap(await backend.set(record, bytes('record'), 60_000));
      expect(text(unwrap(await backend.peek(record)))).toBe('record');
      unwrap(await backend.delete(record));
    });

    it('getTagged, when offered, returns the entry with its tag versions in one call', async (ctx) => {
      if (!backend.getTagged) return ctx.skip();
      const tagPrefix = `${INTERNAL_KEY_PREFIX}t:${ns}`;
      const entry = encodeEntry({
        payload: bytes('payload'),
        serializer: 'json',
        tags: [
          { name: 'a', version: 'v1' },
          { name: 'b:ü', version: 'v2' },
          { name: 'gone', version: 'v3' },
        ],
        createdAt: 1,
        freshUntil: 2,
        staleUntil: 3,
      });
      unwrap(await backend.set(k('tagged'), entry, 60_000));
      unwrap(await backend.set(`${tagPrefix}a`, bytes('v1'), 60_000));
      unwrap(await backend.set(`${tagPrefix}b:ü`, bytes('v2-new'), 60_000));
      const read = unwrap(await backend.getTagged(k('tagged'), tagPrefix));
      expect(Buffer.from(read!.entry)).toEqual(Buffer.from(entry));
      expect(read!.tagVersions.map(text)).toEqual(['v1', 'v2-new', undefined]);
      expect(unwrap(await backend.getTagged(k('no-such-entry'), tagPrefix))).toBeUndefined();
    });

    it('getTagged with a tag-name hint returns versions the reader can match to every header tag', async (ctx) => {
      if (!backend.getTagged) return ctx.skip();
      const tagPrefix = `${INTERNAL_KEY_PREFIX}t:${ns}h:`;
      const entry = encodeEntry({
        payload: bytes('payload'),
        serializer: 'json',
        tags: [
          { name: 'a', version: 'v1' },
          { name: 'b', version: 'v2' },
        ],
        createdAt: 1,
        freshUntil: 2,
        staleUntil: 3,
      });
      unwrap(await backend.set(k('hinted'), entry, 60_000));
      unwrap(await backend.set(`${tagPrefix}a`, bytes('v1'), 60_000));
      unwrap(await backend.set(`${tagPrefix}c`, bytes('v3'), 60_000));
      // Right, partial, wrong, empty and over-long guesses: the entry comes back unchanged, and
      // every version returned belongs to the name it is reported for.
      const hints = [['a', 'b'], ['a'], ['c', 'zz'], [], ['b', 'a', 'c']];
      for (const hint of hints) {
        const read = unwrap(await backend.getTagged(k('hinted'), tagPrefix, hint));
        expect(Buffer.from(read!.entry)).toEqual(Buffer.from(entry));
        const names = read!.tagNames ?? ['a', 'b'];
        expect(read!.tagVersions).toHaveLength(names.length);
        const expected: Record<string, string | undefined> = {
          a: 'v1',
          b: undefined,
          c: 'v3',
          zz: undefined,
        };
        expect(read!.tagVersions.map(text)).toEqual(names.map((name) => expected[name]));
      }
      expect(unwrap(await backend.getTagged(k('no-such-entry'), tagPrefix, ['a']))).toBeUndefined();
      expect(unwrap(await backend.getTagged(k('no-such-entry'), tagPrefix, []))).toBeUndefined();
    });
  });
}
