import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CacheService, MemoryBackend } from '../src/index.js';
import { memoryCache } from './support/factories.js';
import { scheduledBackend } from './support/scheduled-backend.js';

describe('tag invalidation', () => {
  it('makes every entry with the tag a miss, and only those', async () => {
    const { cache } = memoryCache();
    await cache.set('p1', 'one', { tags: ['products', 'product:1'] });
    await cache.set('p2', 'two', { tags: ['products', 'product:2'] });
    await cache.set('u1', 'user', { tags: ['users'] });
    expect(await cache.invalidateTags(['product:1'])).toBe(true);
    expect(await cache.get('p1')).toBeUndefined();
    expect(await cache.get('p2')).toBe('two');
    await cache.invalidateTags(['products']);
    expect(await cache.get('p2')).toBeUndefined();
    expect(await cache.get('u1')).toBe('user');
  });

  it('entries written after an invalidation are fresh again', async () => {
    const { cache } = memoryCache();
    await cache.set('k', 1, { tags: ['t'] });
    await cache.invalidateTags(['t']);
    await cache.set('k', 2, { tags: ['t'] });
    expect(await cache.get('k')).toBe(2);
  });

  it('costs the same backend operations for a tag over 100,000 entries as over 10 (O(1))', async () => {
    const costOf = async (entries: number): Promise<{ invalidate: number; nextGet: number }> => {
      const { cache, backend } = memoryCache();
      for (let i = 0; i < entries; i++) await cache.set(`k${i}`, i, { tags: ['big'] });
      backend.resetCounts();
      await cache.invalidateTags(['big']);
      const invalidate = backend.totalCalls;
      backend.resetCounts();
      expect(await cache.get('k0')).toBeUndefined();
      return { invalidate, nextGet: backend.totalCalls };
    };
    const small = await costOf(10);
    const large = await costOf(100_000);
    expect(large).toEqual(small);
    expect(small.invalidate).toBe(1);
  }, 60_000);

  it('an evicted tag version never brings old entries back to life', async () => {
    const memory = new MemoryBackend();
    const cache = new CacheService({ backend: memory });
    await cache.set('k', 'old', { tags: ['t'] });
    // Lose every tag version (eviction, expiry, a flushed tag store).
    await memory.deletePattern('*'); // user keys
    await cache.set('k', 'old', { tags: ['t'] });
    const tagKeys = ['__tc:t:|t'];
    for (const key of tagKeys) await memory.delete(key);
    expect(await cache.get('k')).toBeUndefined();
    // A fresh version is created on the next write, and works as usual.
    await cache.set('k', 'new', { tags: ['t'] });
    expect(await cache.get('k')).toBe('new');
  });

  it('a load that began before an invalidation never stores a value that survives it', async () => {
    const { cache } = memoryCache();
    let db = 'v1';
    let release!: () => void;
    const slowRead = cache.getOrSet(
      'k',
      async () => {
        const seen = db; // the query runs now...
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return seen; // ...and returns after the write below
      },
      { tags: ['t'] },
    );
    await new Promise((resolve) => setImmediate(resolve));
    db = 'v2';
    await cache.invalidateTags(['t']);
    release();
    expect(await slowRead).toBe('v1'); // the caller gets what it loaded
    expect(await cache.get('k')).toBeUndefined(); // but nobody else ever will
  });

  it('tags added by the loader at run time are checked for invalidations during the load', async () => {
    const { cache } = memoryCache();
    let release!: () => void;
    const read = cache.getOrSet('k', async (ctx) => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      ctx.addTags('late');
      return 'stale-by-now';
    });
    await new Promise((resolve) => setImmediate(resolve));
    await cache.invalidateTags(['late']);
    release();
    expect(await read).toBe('stale-by-now');
    expect(await cache.get('k')).toBeUndefined();
    // A version merely created (by another load's first use of the tag) is no invalidation.
    await cache.getOrSet('detail', () => 'd', { tags: ['fresh-tag'] });
    await cache.getOrSet('list', (ctx) => {
      ctx.addTags('fresh-tag');
      return 'l';
    });
    expect(await cache.get('list')).toBe('l');
    await cache.invalidateTags(['fresh-tag']);
    expect(await cache.get('list')).toBeUndefined();
    // Without a racing invalidation, a run-time tag is stored and works.
    await cache.getOrSet('k2', (ctx) => {
      ctx.addTags('late2');
      return 'ok';
    });
    expect(await cache.get('k2')).toBe('ok');
    await cache.invalidateTags(['late2']);
    expect(await cache.get('k2')).toBeUndefined();
  });
});

describe.each([
  ['get + getMany', false],
  ['getTagged with hints (requests in any order)', true],
])('tag race property (%s)', (_name, tagged) => {
  it('after any interleaving of loads and write+invalidate, a read returns the latest data or misses', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.constantFrom('read', 'write', 'get'), { minLength: 2, maxLength: 8 }),
        fc.boolean(),
        fc.boolean(),
        async (s, ops, protection, lateTag) => {
          const cache = new CacheService({
            backend: scheduledBackend(new MemoryBackend(), s, tagged),
            protection: { enabled: protection },
          });
          let db = 0;
          /** The database state every invalidation completed so far has announced. */
          let invalidated = 0;
          const tags = lateTag ? [] : ['t'];
          const loader = async (ctx: { addTags(...t: string[]): void }): Promise<number> => {
            const seen = db;
            await s.schedule(Promise.resolve()); // the query's answer travels back
            if (lateTag) ctx.addTags('t');
            return seen;
          };
          const running = ops.map((op) => {
            if (op === 'read') return cache.getOrSet('k', loader, { tags }).then(() => undefined);
            if (op === 'get') {
              // A get that begins after an invalidation completed never returns older data.
              const floor = invalidated;
              return cache.get<number>('k').then((value) => {
                if (value !== undefined && value < floor) {
                  throw new Error(`stale get: cached ${value}, invalidated at ${floor} before the get began`);
                }
              });
            }
            return (async () => {
              await s.schedule(Promise.resolve()); // the write lands at a moment the scheduler picks
              const written = ++db;
              await cache.invalidateTags(['t']);
              invalidated = Math.max(invalidated, written);
            })();
          });
          await s.waitFor(Promise.all(running));
          const final = cache.get<number>('k');
          await s.waitFor(final);
          const value = await final;
          if (value !== undefined && value !== db) {
            throw new Error(`stale read: cached ${value}, database at ${db}`);
          }
        },
      ),
      { numRuns: 3_000 },
    );
  }, 300_000);
});
