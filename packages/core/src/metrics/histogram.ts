/**
 * Default bucket boundaries of the duration histograms, in seconds: 50 µs (an in-process hit)
 * to 10 s (a loader at its limit).
 */
export const DURATION_BUCKETS: readonly number[] = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** A histogram with fixed boundaries: counts per bucket (the last one is `+Inf`), count and sum. */
export class Histogram {
  /** Observations per bucket: `counts[i]` holds values `<= boundaries[i]` and above the one before. */
  readonly counts: number[];
  count = 0;
  sum = 0;

  constructor(readonly boundaries: readonly number[]) {
    this.counts = new Array<number>(boundaries.length + 1).fill(0);
  }

  /** Adds one observation. */
  record(value: number): void {
    const boundaries = this.boundaries;
    let i = 0;
    while (i < boundaries.length && value > boundaries[i]!) i++;
    this.counts[i]!++;
    this.count++;
    this.sum += value;
  }
}
