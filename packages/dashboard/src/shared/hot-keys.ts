/** One hot key and its estimated share of the sampled hits. */
export interface HotKey {
  readonly cache: string;
  readonly key: string;
  /** Sampled hits counted (an over-estimate by at most `error`). */
  readonly count: number;
  readonly error: number;
}

/**
 * The most hit keys, from a sample of hits (one in `sampleEvery`), in bounded memory: the
 * Space-Saving algorithm (Metwally et al., 2005) keeps `capacity` counters; a new key takes
 * over the smallest one, inheriting its count as its error bound.
 */
export class HotKeys {
  readonly #counters = new Map<string, { cache: string; key: string; count: number; error: number }>();
  #seen = 0;

  constructor(
    readonly capacity: number,
    readonly sampleEvery: number,
  ) {}

  /** Called for every hit; records one in `sampleEvery`. */
  hit(cache: string, key: string): void {
    if (++this.#seen < this.sampleEvery) return;
    this.#seen = 0;
    const id = `${cache}\u0000${key}`;
    const counter = this.#counters.get(id);
    if (counter !== undefined) {
      counter.count++;
      return;
    }
    if (this.#counters.size < this.capacity) {
      this.#counters.set(id, { cache, key, count: 1, error: 0 });
      return;
    }
    let smallestId = '';
    let smallest = Number.POSITIVE_INFINITY;
    for (const [otherId, other] of this.#counters) {
      if (other.count < smallest) {
        smallest = other.count;
        smallestId = otherId;
      }
    }
    this.#counters.delete(smallestId);
    this.#counters.set(id, { cache, key, count: smallest + 1, error: smallest });
  }

  /** The `limit` hottest keys, hottest first. */
  top(limit: number): HotKey[] {
    return [...this.#counters.values()]
      .sort((a, b) => b.count - a.count)
      .slice(0, limit)
      .map((c) => ({ ...c }));
  }
}
