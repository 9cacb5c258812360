/** An operation waiting for its answer or its deadline, whichever comes first. */
export interface PendingDeadline {
  /** Set when the operation settled: the queue then forgets it. */
  settled: boolean;
}

/**
 * An operation that carries its own deadline (see {@link DeadlineQueue.track}): one object per
 * operation, where `add` makes an entry and a closure.
 */
export interface TimedOperation extends PendingDeadline {
  /** When it times out (`performance.now()` time), set by the queue. */
  deadline: number;
  /** Called once if the operation has not settled by its deadline (`settled` is already set). */
  timedOut(): void;
}

/**
 * Times out many operations with one timer. Every operation gets the same duration, so
 * deadlines expire in arrival order: a FIFO and a single timer armed for its oldest live entry
 * replace one `setTimeout`/`clearTimeout` pair per operation (the largest cost of a timeout on
 * a hot path).
 */
export class DeadlineQueue {
  readonly #ms: number;
  #entries: TimedOperation[] = [];
  #head = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(ms: number) {
    this.#ms = ms;
  }

  /** Registers an operation; `onTimeout` runs if it has not settled within the duration. */
  add(onTimeout: () => void): PendingDeadline {
    const entry: TimedOperation = { deadline: 0, timedOut: onTimeout, settled: false };
    this.track(entry);
    return entry;
  }

  /** Registers an operation that times itself out: its `timedOut` runs if it has not settled within the duration. */
  track(operation: TimedOperation): void {
    this.#dropSettled();
    operation.deadline = performance.now() + this.#ms;
    this.#entries.push(operation);
    if (this.#timer === undefined) this.#arm(this.#ms);
  }

  #fire = (): void => {
    this.#timer = undefined;
    const now = performance.now();
    const entries = this.#entries;
    while (this.#head < entries.length) {
      const entry = entries[this.#head]!;
      if (!entry.settled && entry.deadline > now) break;
      this.#head++;
      if (!entry.settled) {
        entry.settled = true;
        entry.timedOut();
      }
    }
    this.#compact();
    const next = this.#entries[this.#head];
    if (next !== undefined) this.#arm(next.deadline - now);
  };

  #arm(ms: number): void {
    this.#timer = setTimeout(this.#fire, Math.max(1, Math.ceil(ms)));
    // A pending cache operation must not keep the process alive.
    this.#timer.unref?.();
  }

  /** Operations mostly settle in order, so the settled ones gather at the head. */
  #dropSettled(): void {
    const entries = this.#entries;
    while (this.#head < entries.length && entries[this.#head]!.settled) this.#head++;
    this.#compact();
  }

  #compact(): void {
    if (this.#head === this.#entries.length) {
      this.#entries = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
  }
}
