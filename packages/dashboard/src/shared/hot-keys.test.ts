import { describe, expect, it } from 'vitest';
import { HotKeys } from './hot-keys.js';

describe('HotKeys', () => {
  it('records one hit in sampleEvery, per cache', () => {
    const hot = new HotKeys(10, 3);
    const a = hot.sampler('a');
    const b = hot.sampler('b');
    for (let i = 0; i < 9; i++) a({ key: 'k' });
    for (let i = 0; i < 2; i++) b({ key: 'k' }); // not yet a sample
    expect(hot.top(5)).toEqual([{ cache: 'a', key: 'k', count: 3, error: 0 }]);
  });

  it('keeps at most capacity counters; a newcomer inherits the smallest count as its error', () => {
    const hot = new HotKeys(2, 1);
    for (let i = 0; i < 5; i++) hot.record('c', 'hot');
    hot.record('c', 'x');
    hot.record('d', 'y'); // replaces x (count 1)
    expect(hot.top(10)).toEqual([
      { cache: 'c', key: 'hot', count: 5, error: 0 },
      { cache: 'd', key: 'y', count: 2, error: 1 },
    ]);
  });
});

describe('HotKeys under many keys', () => {
  it('keeps the Space-Saving guarantees: counts sum to the samples, each within its error of the truth', () => {
    const hot = new HotKeys(20, 1);
    const truth = new Map<string, number>();
    let seed = 7;
    const next = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const samples = 20_000;
    for (let i = 0; i < samples; i++) {
      // a few hot keys among many cold ones, in two caches
      const r = next();
      const key = r < 0.5 ? `hot${Math.floor(r * 10)}` : `cold${Math.floor(next() * 1_000)}`;
      const cache = i % 3 === 0 ? 'b' : 'a';
      hot.record(cache, key);
      truth.set(`${cache} ${key}`, (truth.get(`${cache} ${key}`) ?? 0) + 1);
    }
    const kept = hot.top(100);
    expect(kept).toHaveLength(20);
    expect(kept.reduce((sum, k) => sum + k.count, 0)).toBe(samples);
    for (const k of kept) {
      const seen = truth.get(`${k.cache} ${k.key}`) ?? 0;
      expect(seen).toBeLessThanOrEqual(k.count);
      expect(seen).toBeGreaterThanOrEqual(k.count - k.error);
    }
    // every key seen more than samples / capacity times is kept
    for (const [name, seen] of truth) {
      if (seen > samples / 20) expect(kept.some((k) => `${k.cache} ${k.key}` === name)).toBe(true);
    }
  });
});
