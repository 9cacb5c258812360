/** One hot key and its estimated share of the sampled hits. */
export interface HotKey {
  readonly cache: string;
  readonly key: string;
  /** Sampled hits counted (an over-estimate by at most `error`). */
  readonly count: number;
  readonly error: number;
}

interface Counter {
  readonly cache: string;
  readonly key: string;
  count: number;
  error: number;
}

/**
 * The most hit keys, from a sample of hits, in bounded memory: the Space-Saving algorithm
 * (Metwally et al., 2005) keeps `capacity` counters; a new key takes over the smallest one,
 * inheriting its count as its error bound.
 *
 * Sampling is the caller's: the dashboard's recorder has `CacheMetrics` hand it one hit in
 * `sampleEvery` per cache (option `sampleHits`: an increment and a comparison per hit, no event
 * built); {@link sampler} does the same as a `hit` listener, for a cache observed by events.
 *
 * Finding the smallest counter does not scan them all each time: counts only grow, and a
 * newcomer starts above the count it replaces, so the smallest count never decreases. The
 * search goes on from where the last one stopped and takes the first counter at the smallest
 * count known; only when a whole round finds none is the smallest count looked up again. With
 * many keys of the same count (uniform traffic), a newcomer costs a few comparisons.
 */
export class HotKeys {
  /** Counters by cache, then by key: no key string is built per sample. */
  readonly #counters = new Map<string, Map<string, Counter>>();
  /** Every counter, in the order the search for the smallest goes through them. */
  readonly #all: Counter[] = [];
  /** No counter is below this count (once `capacity` counters exist). */
  #floor = 0;
  /** Where the search for the smallest counter goes on. */
  #cursor = 0;

  constructor(
    readonly capacity: number,
    readonly sampleEvery: number,
  ) {}

  /** A `hit` listener for one cache: records one hit in `sampleEvery`. */
  sampler(cache: string): (hit: { readonly key: string }) => void {
    const every = this.sampleEvery;
    let seen = 0;
    return (hit) => {
      if (++seen < every) return;
      seen = 0;
      this.record(cache, hit.key);
    };
  }

  /** Counts one sampled hit of `key` in `cache`. */
  record(cache: string, key: string): void {
    let keys = this.#counters.get(cache);
    if (keys === undefined) {
      keys = new Map();
      this.#counters.set(cache, keys);
    }
    const counter = keys.get(key);
    if (counter !== undefined) {
      counter.count++;
      return;
    }
    if (this.#all.length < this.capacity) {
      const added = { cache, key, count: 1, error: 0 };
      keys.set(key, added);
      this.#all.push(added);
      return;
    }
    const at = this.#smallest();
    const smallest = this.#all[at]!;
    this.#counters.get(smallest.cache)?.delete(smallest.key);
    const floor = smallest.count;
    const taken = { cache, key, count: floor + 1, error: floor };
    keys.set(key, taken);
    this.#all[at] = taken;
    this.#cursor = at + 1;
  }

  /** The `limit` hottest keys, hottest first. */
  top(limit: number): HotKey[] {
    return [...this.#all]
      .sort((a, b) => b.count - a.count)
      .slice(0, limit)
      .map((c) => ({ cache: c.cache, key: c.key, count: c.count, error: c.error }));
  }

  /** The index of a counter at the smallest count (there are `capacity` > 0 of them). */
  #smallest(): number {
    const all = this.#all;
    for (let n = 0; n < all.length; n++) {
      const i = (this.#cursor + n) % all.length;
      if (all[i]!.count <= this.#floor) return i;
    }
    let at = 0;
    for (let i = 1; i < all.length; i++) if (all[i]!.count < all[at]!.count) at = i;
    this.#floor = all[at]!.count;
    return at;
  }
}
