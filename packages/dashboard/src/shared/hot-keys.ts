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
 * Sampling is the caller's: {@link sampler} gives each cache a hit listener that counts in a
 * closure and records one hit in `sampleEvery`, so the other hits cost an increment and a
 * comparison (this runs on the hit path of every cache the dashboard shows).
 */
export class HotKeys {
  /** Counters by cache, then by key: no key string is built per sample. */
  readonly #counters = new Map<string, Map<string, Counter>>();
  #size = 0;

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
    if (this.#size < this.capacity) {
      keys.set(key, { cache, key, count: 1, error: 0 });
      this.#size++;
      return;
    }
    let smallest: Counter | undefined;
    for (const counters of this.#counters.values()) {
      for (const other of counters.values()) {
        if (smallest === undefined || other.count < smallest.count) smallest = other;
      }
    }
    const floor = smallest?.count ?? 0;
    if (smallest !== undefined) this.#counters.get(smallest.cache)?.delete(smallest.key);
    keys.set(key, { cache, key, count: floor + 1, error: floor });
  }

  /** The `limit` hottest keys, hottest first. */
  top(limit: number): HotKey[] {
    const all: Counter[] = [];
    for (const counters of this.#counters.values()) all.push(...counters.values());
    return all
      .sort((a, b) => b.count - a.count)
      .slice(0, limit)
      .map((c) => ({ cache: c.cache, key: c.key, count: c.count, error: c.error }));
  }
}
