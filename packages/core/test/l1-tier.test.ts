import { describe, expect, it } from 'vitest';
import type { Result } from '../src/backend.js';
import { CacheService, CacheUsageError, MemoryBackend } from '../src/index.js';
import { busConformanceSuite, ChaosBackend, LoopbackHub } from '../src/testing/index.js';
import { deferred } from './support/factories.js';

// The loopback bus under the conformance suite every bus runs (the Redis bus runs it too).
{
  let hub = new LoopbackHub();
  let last: ReturnType<LoopbackHub['connect']> | undefined;
  busConformanceSuite({
    name: 'loopback',
    create: () => {
      hub = new LoopbackHub();
      const a = hub.connect();
      const b = hub.connect();
      last = b;
      return { a, b, disconnect: () => last?.disconnect(), reconnect: () => last?.reconnect() };
    },
    settle: () => hub.settled(),
  });
}

/**
 * A real memory backend shared by two services, whose `get` answers can be held after the
 * value was read: a read "in flight" while other things happen.
 */
class HeldReads extends ChaosBackend {
  #hold: Promise<void> | undefined;
  #held: 'get' | 'getMany' = 'get';
  #reached = deferred();
  /** Resolves once a held call has read its answer. */
  get reached(): Promise<void> {
    return this.#reached.promise;
  }
  /** Holds the answers of every `method` call until the returned function is called. */
  holdAnswers(method: 'get' | 'getMany'): () => void {
    const gate = deferred();
    this.#hold = gate.promise;
    this.#held = method;
    this.#reached = deferred();
    return () => {
      this.#hold = undefined;
      gate.resolve();
    };
  }
  override async get(key: string): Promise<Result<Uint8Array | undefined>> {
    const answer = await super.get(key);
    if (this.#held === 'get') await this.#wait();
    return answer;
  }
  override async getMany(keys: readonly string[]): Promise<Result<(Uint8Array | undefined)[]>> {
    const answer = await super.getMany(keys);
    if (this.#held === 'getMany') await this.#wait();
    return answer;
  }
  async #wait(): Promise<void> {
    if (this.#hold === undefined) return;
    this.#reached.resolve();
    await this.#hold;
  }
}

function fleet() {
  const hub = new LoopbackHub();
  const store = new MemoryBackend();
  const backendA = new ChaosBackend(store, { shared: true });
  const backendB = new HeldReads(store, { shared: true });
  const busA = hub.connect();
  const busB = hub.connect();
  const options = {
    defaultTtl: 60,
    resilience: false,
    protection: { enabled: false },
    l1: { maxEntries: 100 },
  } as const;
  const a = new CacheService({ ...options, backend: backendA, bus: busA });
  const b = new CacheService({ ...options, backend: backendB, bus: busB });
  return { hub, a, b, busA, busB, backendA, backendB };
}

describe('L1 tier', () => {
  it('answers repeated reads without the shared backend, and counts L1 hits, L2 hits and misses apart', async () => {
    const { a, b, backendB } = fleet();
    await a.set('k', { n: 1 }, { tags: ['t'] });
    expect(await b.get('missing')).toBeUndefined();
    expect(await b.get('k')).toEqual({ n: 1 });
    backendB.resetCounts();
    for (let i = 0; i < 5; i++) expect(await b.get('k')).toEqual({ n: 1 });
    expect(backendB.calls.get + backendB.calls.getMany + backendB.calls.getTagged).toBe(0);
    expect(b.stats()).toMatchObject({ hits: 6, l1Hits: 5, l2Hits: 1, misses: 1 });
  });

  it("an instance's own write with tags is confirmed by the shared backend once, then answered in-process", async () => {
    const { a, backendA } = fleet();
    await a.set('tagged', 1, { tags: ['t'] });
    await a.set('plain', 2);
    backendA.resetCounts();
    expect([await a.get('tagged'), await a.get('plain')]).toEqual([1, 2]);
    expect(backendA.calls.get).toBe(1); // the tagged one: its tag version was not known yet
    expect([await a.get('tagged'), await a.get('plain')]).toEqual([1, 2]);
    expect(backendA.calls.get).toBe(1);
    expect(a.stats()).toMatchObject({ l1Hits: 3, l2Hits: 1 });
  });

  it("a read that raced another instance's write never leaves the older value in the L1", async () => {
    const { hub, a, b, backendB } = fleet();
    await a.set('k', 'old');
    const release = backendB.holdAnswers('get');
    const reading = b.get('k'); // reads 'old', its answer held
    await backendB.reached;
    await a.set('k', 'new'); // b hears it while its read is in flight
    await hub.settled();
    release();
    expect(await reading).toBe('old'); // current when it was read
    expect(await b.get('k')).toBe('new');
    expect(await b.get('k')).toBe('new');
  });

  it('a read that raced an invalidation never teaches the L1 the older tag version', async () => {
    const { hub, a, b, backendB } = fleet();
    await a.set('k', 'v1', { tags: ['t'] });
    const release = backendB.holdAnswers('getMany'); // the tag versions read with the entry
    const reading = b.get('k');
    await backendB.reached;
    await a.invalidateTags(['t']);
    await hub.settled();
    release();
    expect(await reading).toBe('v1');
    expect(await b.get('k')).toBeUndefined();
    expect(await b.get('k')).toBeUndefined();
  });

  it('an invalidation, a delete or a pattern delete heard on the bus drops the L1 copy', async () => {
    const { hub, a, b } = fleet();
    for (const key of ['t1', 'd1', 'p:1']) await a.set(key, key, { tags: ['t'] });
    for (let i = 0; i < 2; i++) for (const key of ['t1', 'd1', 'p:1']) expect(await b.get(key)).toBe(key);
    expect(b.stats().l1Hits).toBe(3);
    await a.delete('d1');
    await a.deletePattern('p:*');
    await hub.settled();
    expect([await b.get('d1'), await b.get('p:1'), await b.get('t1')]).toEqual([undefined, undefined, 't1']);
    await a.invalidateTags(['t']);
    await hub.settled();
    expect(await b.get('t1')).toBeUndefined();
  });

  it('publishes its writes, deletes and invalidations with full keys and the new tag versions', async () => {
    const { a, busA } = fleet();
    await a.set('k', 1);
    await a.delete('k');
    await a.deletePattern('u:*');
    await a.invalidateTags(['t']);
    expect(busA.published.map((m) => m.kind)).toEqual(['write', 'delete', 'pattern', 'tags']);
    expect(busA.published[0]).toEqual({ kind: 'write', keys: ['|k'] });
    const tags = busA.published[3];
    expect(tags?.kind === 'tags' && tags.versions.map(([key]) => key)).toEqual(['__tc:t:|t']);
  });

  it('an L1 without a bus is refused, naming the field', () => {
    expect(() => new CacheService({ backend: new MemoryBackend(), l1: {} })).toThrow(CacheUsageError);
    expect(() => new CacheService({ backend: new MemoryBackend(), l1: {} })).toThrow(/bus/);
    const hub = new LoopbackHub();
    expect(
      () => new CacheService({ backend: new MemoryBackend(), l1: { maxEntries: 0 }, bus: hub.connect() }),
    ).toThrow(/l1\.maxEntries/);
  });
});
