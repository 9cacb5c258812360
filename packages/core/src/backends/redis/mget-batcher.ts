import type { Redis } from 'ioredis';

/** A read waiting for the next batch: its keys' places in the batch, and how to answer. */
interface Waiter {
  readonly keys: readonly string[];
  /** Answers with the values of `keys`, in order (never throws). */
  readonly resolve: (values: (Buffer | null)[]) => void;
  /** Answers with the batch's failure (never throws). */
  readonly reject: (error: unknown) => void;
  /** Where each of `keys` sits in the batch's MGET (filled when the batch is built). */
  slots: number[];
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
  #waiters: Waiter[] = [];

  constructor(client: Redis, maxKeys = 1_000) {
    this.#client = client;
    this.#maxKeys = maxKeys;
  }

  /** The values of `keys` (`null` when missing), read in the next batch. */
  get(keys: readonly string[]): Promise<(Buffer | null)[]> {
    return new Promise((resolve, reject) => this.#enqueue(keys, resolve, reject));
  }

  /**
   * The values of `keys` read in the next batch, turned into the answer by `map` (or `fail`,
   * for a failed batch or a throwing `map`) inside the batch's reply callback: one promise per
   * read, where `get(keys).then(map)` makes two and waits a microtask more.
   */
  read<T>(
    keys: readonly string[],
    map: (values: (Buffer | null)[]) => T,
    fail: (error: unknown) => T,
  ): Promise<T> {
    return new Promise((resolve) =>
      this.#enqueue(
        keys,
        (values) => {
          try {
            resolve(map(values));
          } catch (error) {
            resolve(fail(error));
          }
        },
        (error) => resolve(fail(error)),
      ),
    );
  }

  #enqueue(
    keys: readonly string[],
    resolve: (values: (Buffer | null)[]) => void,
    reject: (error: unknown) => void,
  ): void {
    if (this.#waiters.length === 0) setImmediate(this.#flush);
    this.#waiters.push({ keys, resolve, reject, slots: NO_SLOTS });
  }

  #flush = (): void => {
    const waiters = this.#waiters;
    this.#waiters = [];
    let start = 0;
    while (start < waiters.length) start = this.#send(waiters, start);
  };

  /** Sends one MGET for waiters from `start` on, up to `maxKeys` distinct keys; returns the next start. */
  #send(waiters: Waiter[], start: number): number {
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
      (values) => answer(batch, values),
      (error: unknown) => {
        for (const waiter of batch) waiter.reject(error);
      },
    );
    return end;
  }
}

const NO_SLOTS: number[] = [];

function answer(batch: readonly Waiter[], values: readonly (Buffer | null)[]): void {
  for (const waiter of batch) {
    const slots = waiter.slots;
    const mine: (Buffer | null)[] = new Array(slots.length);
    for (let i = 0; i < slots.length; i++) mine[i] = values[slots[i]!] ?? null;
    waiter.resolve(mine);
  }
}
