import type { Redis } from 'ioredis';

/**
 * A read waiting for the next batch: its keys, and how it takes its answer. The batcher calls
 * `answer` or `failed` once (neither may throw).
 */
export interface BatchRead {
  readonly keys: readonly string[];
  /** Where each of `keys` sits in the batch's MGET (set by the batcher before it answers). */
  slots: readonly number[];
  /** The values of the whole MGET: `values[slots[i]]` is the value of `keys[i]`. */
  answer(values: readonly (Buffer | null)[]): void;
  /** The batch's failure. */
  failed(error: unknown): void;
}

/**
 * Coalesces the reads of one event-loop turn into one `MGET` (single node only). At 100
 * concurrent hits that is one command, one write and one reply for dozens of reads: ioredis'
 * cost per command (command object, promise, reply callback) dominates a cache hit, and the
 * server answers an MGET of many keys for little more than a GET. Keys wanted by several
 * reads (a tag shared by many entries) are asked once. MGET is atomic, so every read still
 * sees its entry and its tag versions at one moment.
 *
 * Batches are flushed on `setImmediate`, after the current turn's I/O callbacks and their
 * promise continuations (the same point at which ioredis auto-pipelining flushes). An MGET
 * answers nil for a key holding another type than a string: such a key reads as a miss.
 */
export class MgetBatcher {
  readonly #client: Redis;
  readonly #maxKeys: number;
  #waiters: BatchRead[] = [];

  constructor(client: Redis, maxKeys = 1_000) {
    this.#client = client;
    this.#maxKeys = maxKeys;
  }

  /** The values of `keys` (`null` when missing), read in the next batch. */
  get(keys: readonly string[]): Promise<(Buffer | null)[]> {
    return new Promise((resolve, reject) => this.add(new ValuesRead(keys, resolve, reject)));
  }

  /**
   * Adds a read to the next batch. A read answered inside the batch's reply callback (see
   * `hinted-read.ts`) costs one promise, where `get(keys).then(map)` makes two and waits a
   * microtask more.
   */
  add(read: BatchRead): void {
    if (this.#waiters.length === 0) setImmediate(this.#flush);
    this.#waiters.push(read);
  }

  #flush = (): void => {
    const waiters = this.#waiters;
    this.#waiters = [];
    let start = 0;
    while (start < waiters.length) start = this.#send(waiters, start);
  };

  /** Sends one MGET for waiters from `start` on, up to `maxKeys` distinct keys; returns the next start. */
  #send(waiters: BatchRead[], start: number): number {
    const index = new Map<string, number>();
    const keys: string[] = [];
    let end = start;
    for (; end < waiters.length; end++) {
      const waiter = waiters[end]!;
      if (end > start && keys.length + waiter.keys.length > this.#maxKeys) break;
      const slots: number[] = new Array(waiter.keys.length);
      for (let i = 0; i < waiter.keys.length; i++) {
        const key = waiter.keys[i]!;
        let slot = index.get(key);
        if (slot === undefined) {
          slot = keys.length;
          keys.push(key);
          index.set(key, slot);
        }
        slots[i] = slot;
      }
      waiter.slots = slots;
    }
    const batch = start === 0 && end === waiters.length ? waiters : waiters.slice(start, end);
    this.#client.mgetBuffer(keys).then(
      (values) => {
        for (const waiter of batch) waiter.answer(values);
      },
      (error: unknown) => {
        for (const waiter of batch) waiter.failed(error);
      },
    );
    return end;
  }
}

/** The `slots` of a read not yet placed in a batch (shared: a read is placed before it is answered). */
export const NO_SLOTS: readonly number[] = [];

/** A read answered with its keys' values ({@link MgetBatcher.get}). */
class ValuesRead implements BatchRead {
  slots = NO_SLOTS;
  constructor(
    readonly keys: readonly string[],
    private readonly resolve: (values: (Buffer | null)[]) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  answer(values: readonly (Buffer | null)[]): void {
    const slots = this.slots;
    const mine: (Buffer | null)[] = new Array(slots.length);
    for (let i = 0; i < slots.length; i++) mine[i] = values[slots[i]!] ?? null;
    this.resolve(mine);
  }

  failed(error: unknown): void {
    this.reject(error);
  }
}
