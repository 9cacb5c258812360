import { hashString } from '@tagcache/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KEY_MEMO_LIMITS, KeyMemo } from '../src/key-memo.js';

const HEAD = 'prisma:v1:Post:findMany:';

describe('KeyMemo', () => {
  it('gives the key of the head and text hashed, held or not (property)', () => {
    const memo = new KeyMemo({ entries: 8, chars: 400, textChars: 40 });
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        for (const head of [HEAD, 'prisma:v1:User:findMany:', HEAD]) {
          const expected = head + hashString(text);
          expect([memo.key(head, text), memo.key(head, text)]).toEqual([expected, expected]);
        }
      }),
    );
  });

  it('holds at most its bounds of keys and characters, however many distinct reads flood it', () => {
    const memo = new KeyMemo();
    const scope = {};
    for (let i = 0; i < 20_000; i++) {
      memo.key(HEAD, `{"args":{"where":{"title":"${'x'.repeat(i % 300)}${i}"}},"client":{"omit":null}}`);
      if (memo.get(scope, i) === undefined) memo.set(scope, i, `${HEAD}${i}`);
      expect(memo.size).toBeLessThanOrEqual(KEY_MEMO_LIMITS.entries);
      expect(memo.chars).toBeLessThanOrEqual(KEY_MEMO_LIMITS.chars);
    }
    expect(memo.size).toBeGreaterThan(0);
    // Texts longer than the bound are hashed, never held.
    const held = memo.size;
    const long = `{"args":"${'y'.repeat(KEY_MEMO_LIMITS.textChars)}"}`;
    expect(memo.key(HEAD, long)).toBe(HEAD + hashString(long));
    expect(memo.size).toBe(held);
  });

  it('keeps the keys read often while others flood it', () => {
    const memo = new KeyMemo({ entries: 100, chars: 1_000_000, textChars: 1_000 });
    const hot = {};
    memo.set(hot, 'hot', 'the hot key');
    for (let i = 0; i < 1_000; i++) {
      memo.key(HEAD, `text ${i}`);
      expect(memo.get(hot, 'hot')).toBe('the hot key');
    }
    expect(memo.size).toBeLessThanOrEqual(100);
  });
});
