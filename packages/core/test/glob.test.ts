import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { escapePattern, GlobMatcher, globToRedisPattern, matchesGlob } from '../src/backend.js';
import { MemoryBackend } from '../src/index.js';

/** An independent oracle: the textbook O(pattern × key) dynamic programme over the tokens. */
function oracle(pattern: string, key: string): boolean {
  const tokens: string[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) tokens.push(`=${pattern[++i]!}`);
    else tokens.push(ch === '*' || ch === '?' ? ch : `=${ch}`);
  }
  let row = [true, ...key.split('').map(() => false)];
  for (const token of tokens) {
    const next = [token === '*' && row[0]!];
    for (let k = 1; k <= key.length; k++) {
      if (token === '*') next.push(row[k]! || next[k - 1]!);
      else next.push(row[k - 1]! && (token === '?' || token.slice(1) === key[k - 1]));
    }
    row = next;
  }
  return row[key.length]!;
}

/** The pathological patterns of CVE-2022-36021 and issue 20: many stars, a tail that never matches. */
const hostile = [
  '*a*a*a*a*a*ab',
  '*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b',
  '*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*!',
  `${'a*'.repeat(200)}b`,
];

describe('glob patterns', () => {
  it('* and ? are the only wildcards; \\ escapes', () => {
    expect(matchesGlob('user:*', 'user:1:posts')).toBe(true);
    expect(matchesGlob('user:?', 'user:10')).toBe(false);
    expect(matchesGlob('a[b]c', 'a[b]c')).toBe(true);
    expect(matchesGlob('a[b]c', 'abc')).toBe(false);
    expect(matchesGlob('a\\*', 'a*')).toBe(true);
    expect(matchesGlob('a\\*', 'ab')).toBe(false);
    expect(matchesGlob('(.+)$^', '(.+)$^')).toBe(true);
    expect(matchesGlob('a**b', 'ab')).toBe(true);
    expect(matchesGlob('*', '')).toBe(true);
    expect(matchesGlob('', 'a')).toBe(false);
    expect(matchesGlob('a\\', 'a\\')).toBe(true);
  });

  it('agrees with the dynamic-programming oracle (property)', () => {
    const alphabet = fc.constantFrom('a', 'b', '*', '?', '\\');
    const text = (max: number) => fc.array(alphabet, { maxLength: max }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(text(12), text(16), (pattern, key) => {
        expect(matchesGlob(pattern, key)).toBe(oracle(pattern, key));
      }),
      { numRuns: 2000 },
    );
  });

  it('an escaped user value matches only itself (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (value, other) => {
        const matcher = new GlobMatcher(escapePattern(value));
        expect(matcher.matches(value)).toBe(true);
        if (other !== value) expect(matcher.matches(other)).toBe(false);
      }),
    );
  });

  it.each(hostile)('takes at most (pattern + 1) × (key + 1) steps on %s', (pattern) => {
    for (const key of ['a'.repeat(60), 'a'.repeat(5_000), `${'ab'.repeat(2_000)}c`]) {
      const matcher = new GlobMatcher(pattern);
      expect(matcher.matches(key)).toBe(oracle(pattern, key));
      expect(matcher.steps).toBeLessThanOrEqual((pattern.length + 1) * (key.length + 1));
    }
  });

  it('takes at most one step per key character for a prefix pattern', () => {
    const matcher = new GlobMatcher('user:42:*');
    const key = `user:42:${'9'.repeat(10_000)}`;
    expect(matcher.matches(key)).toBe(true);
    expect(matcher.steps).toBeLessThanOrEqual(key.length + 2);
    const other = new GlobMatcher('user:42:*');
    expect(other.matches(`post:${'9'.repeat(10_000)}`)).toBe(false);
    expect(other.steps).toBe(1);
  });

  it('Redis patterns escape Redis-only syntax and collapse runs of stars', () => {
    expect(globToRedisPattern('user:[1]*')).toBe('user:\\[1\\]*');
    expect(globToRedisPattern('a\\*b?^')).toBe('a\\*b?\\^');
    expect(globToRedisPattern('a***b\\**')).toBe('a*b\\**');
  });
});

describe('MemoryBackend deletePattern', () => {
  it('matches a pathological pattern against 200 keys of 60 characters in bounded steps', async () => {
    const backend = new MemoryBackend();
    for (let i = 0; i < 200; i++)
      await backend.set(`${'a'.repeat(57)}${String(i).padStart(3, '0')}`, new Uint8Array(1));
    const spy = vi.spyOn(GlobMatcher.prototype, 'matches');
    try {
      const pattern = '*a*a*a*a*a*a*a*a*a*a*ab';
      expect(await backend.deletePattern(pattern)).toEqual({ ok: true, value: 0 });
      expect(spy).toHaveBeenCalledTimes(200);
      const matcher = spy.mock.contexts[0] as GlobMatcher;
      expect(matcher.steps).toBeLessThanOrEqual(200 * (pattern.length + 1) * 61);
      expect(await backend.deletePattern('*a1?9')).toEqual({ ok: true, value: 10 });
      expect(backend.size).toBe(190);
    } finally {
      spy.mockRestore();
    }
  });
});
