/** One thing measured: a name and an operation (sync or async) called with a counter. */
export interface Subject {
  readonly name: string;
  /** Marks the reference the others are compared to (the limit). */
  readonly reference?: boolean;
  readonly op: (i: number) => unknown;
  /** Operations kept in flight at once (default 1: one after the other). */
  readonly concurrency?: number;
}

/** Median throughput of a subject over several rounds. */
export interface Measurement {
  readonly name: string;
  readonly opsPerSec: number;
  readonly reference: boolean;
}

export interface MeasureOptions {
  /** Length of one round in ms (default 300). */
  readonly roundMs?: number;
  /** Rounds after warm-up; the median counts (default 5). */
  readonly rounds?: number;
}

/**
 * Measures subjects interleaved round by round (so a drift of the machine touches all of
 * them alike) after one warm-up round each, and returns each one's median ops/s.
 */
export async function measure(
  subjects: readonly Subject[],
  options: MeasureOptions = {},
): Promise<Measurement[]> {
  const roundMs = options.roundMs ?? 300;
  const rounds = options.rounds ?? 5;
  const samples = subjects.map(() => [] as number[]);
  for (const subject of subjects) await runFor(subject, roundMs / 2); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (const [i, subject] of subjects.entries()) samples[i]!.push(await runFor(subject, roundMs));
  }
  return subjects.map((s, i) => ({
    name: s.name,
    opsPerSec: median(samples[i]!),
    reference: s.reference === true,
  }));
}

async function runFor(subject: Subject, ms: number): Promise<number> {
  const concurrency = subject.concurrency ?? 1;
  const deadline = performance.now() + ms;
  const start = performance.now();
  let done = 0;
  let counter = 0;
  // Check the clock every 64 operations in all (reading it costs as much as a cache hit), so a
  // round lasts about `ms` whatever the concurrency.
  const batch = Math.max(1, Math.floor(64 / concurrency));
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      for (let j = 0; j < batch; j++) {
        const result = subject.op(counter++);
        if (result instanceof Promise) await result;
        done++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (done / (performance.now() - start)) * 1_000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
