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
