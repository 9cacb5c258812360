import type { Cluster } from 'ioredis';
import type { CacheError } from '../../errors.js';
import type { CallBound, ReadContinuation } from '../../resilience/bounded-reads.js';
import type { TimedOperation } from '../../resilience/deadline-queue.js';
import { err, ok, type Result } from '../../result.js';
import type { TaggedRead } from '../../types/backend.js';
import { type BatchRead, type MgetBatcher, NO_SLOTS } from './mget-batcher.js';
import type { IoredisClient } from './redis-client.js';

/**
 * Tagged reads with a tag-name hint (see `CacheBackend.getTagged`): the entry and the hinted
 * tags' versions in one round trip, without Lua.
 *
 * - Single node: the entry key and the tag keys join the turn's batched `MGET` (see
 *   `mget-batcher.ts`): atomic, and as cheap for the server as a GET (the Lua script costs it
 *   ~10× more).
 * - Cluster: the entry and the tag keys live in different slots, so one `GET` per key, all
 *   sent in the same tick: ioredis auto-pipelining sends them to their masters together.
 *
 * The reply carries `tagNames` (the hint): the service checks them against the header.
 */
export function hintedRead(
  client: IoredisClient,
  batcher: MgetBatcher | undefined,
  key: string,
  tagKeyPrefix: string,
  hint: readonly string[],
): Promise<TaggedRead | undefined> {
  if (batcher === undefined) return clusterHintedRead(client as Cluster, key, tagKeyPrefix, hint);
  const keys: string[] = new Array(hint.length + 1);
  keys[0] = key;
  for (let i = 0; i < hint.length; i++) keys[i + 1] = tagKeyPrefix + hint[i];
  return batcher.get(keys).then((reply) => toRead(reply, hint));
}

/**
 * The single-node hot path of {@link hintedRead}: the read's `Result` goes to `next` straight
 * from the batch's reply callback, and what `next` returns settles the one promise between the
 * caller and the reply. With a `bound` (the resilience layer's, see
 * `resilience/bounded-reads.ts`) the read also keeps its own deadline and tells the breaker
 * how it went, so nothing wraps it.
 */
export function batchedHintedRead<R>(
  batcher: MgetBatcher,
  key: string,
  tagKeys: TagKeys,
  tagKeyPrefix: string,
  hint: readonly string[],
  toError: (error: unknown, key: string) => CacheError,
  bound: CallBound | undefined,
  next: ReadContinuation<Result<TaggedRead | undefined>, R>,
): Promise<R> {
  const keys: string[] = new Array(hint.length + 1);
  keys[0] = key;
  for (let i = 0; i < hint.length; i++) keys[i + 1] = tagKeys.of(tagKeyPrefix, hint[i]!);
  return new Promise((resolve, reject) => {
    const read = new BatchedHintedRead(keys, hint, toError, bound, next, resolve, reject);
    bound?.deadlines.track(read);
    batcher.add(read);
  });
}

/** One hinted read in a batch: its answer, its failure or its timeout, whichever comes first. */
class BatchedHintedRead<R> implements BatchRead, TimedOperation {
  slots = NO_SLOTS;
  settled = false;
  deadline = 0;

  constructor(
    readonly keys: readonly string[],
    private readonly hint: readonly string[],
    private readonly toError: (error: unknown, key: string) => CacheError,
    private readonly bound: CallBound | undefined,
    private readonly next: ReadContinuation<Result<TaggedRead | undefined>, R>,
    private readonly resolve: (answer: R | PromiseLike<R>) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  answer(values: readonly (Buffer | null)[]): void {
    if (this.settled) return; // timed out already
    let result: Result<TaggedRead | undefined>;
    try {
      result = ok(readAt(values, this.slots, this.hint));
    } catch (error) {
      result = err(this.toError(error, this.keys[0]!));
    }
    this.settle(result);
  }

  failed(error: unknown): void {
    if (!this.settled) this.settle(err(this.toError(error, this.keys[0]!)));
  }

  timedOut(): void {
    this.resume(this.bound!.timedOut(this.keys[0]!));
  }

  private settle(result: Result<TaggedRead | undefined>): void {
    this.settled = true;
    this.bound?.settled(result);
    this.resume(result);
  }

  /** Settles the caller's promise with `next`'s answer (the batcher's callbacks must not throw). */
  private resume(result: Result<TaggedRead | undefined>): void {
    try {
      this.resolve(this.next.resume(result));
    } catch (error) {
      this.reject(error);
    }
  }
}

/**
 * Tag version keys already built, so that a hit does not concatenate, flatten and hash a new
 * string per tag (the batch's key index hashes every key). Bounded: emptied when full.
 */
export class TagKeys {
  readonly #keys = new Map<string, string>();
  #prefix = '';
  readonly #max: number;

  constructor(max = 10_000) {
    this.#max = max;
  }

  /** `prefix + name`, built once. */
  of(prefix: string, name: string): string {
    if (prefix !== this.#prefix) {
      this.#keys.clear();
      this.#prefix = prefix;
    }
    let key = this.#keys.get(name);
    if (key === undefined) {
      if (this.#keys.size >= this.#max) this.#keys.clear();
      key = prefix + name;
      this.#keys.set(name, key);
    }
    return key;
  }
}

function clusterHintedRead(
  client: Cluster,
  key: string,
  tagKeyPrefix: string,
  hint: readonly string[],
): Promise<TaggedRead | undefined> {
  if (hint.length === 0) return client.getBuffer(key).then((entry) => toRead([entry], hint));
  const reads: Promise<Buffer | null>[] = new Array(hint.length + 1);
  reads[0] = client.getBuffer(key);
  for (let i = 0; i < hint.length; i++) reads[i + 1] = client.getBuffer(tagKeyPrefix + hint[i]);
  return Promise.all(reads).then((reply) => toRead(reply, hint));
}

const NO_VERSIONS: readonly (Uint8Array | undefined)[] = [];

/** {@link toRead} of the keys at `slots` in a batch's values (no array of one read's values). */
function readAt(
  values: readonly (Buffer | null)[],
  slots: readonly number[],
  hint: readonly string[],
): TaggedRead | undefined {
  const entry = values[slots[0]!];
  if (entry === null || entry === undefined) return undefined;
  if (hint.length === 0) return { entry, tagVersions: NO_VERSIONS, tagNames: hint };
  const tagVersions: (Uint8Array | undefined)[] = new Array(hint.length);
  for (let i = 0; i < hint.length; i++) tagVersions[i] = values[slots[i + 1]!] ?? undefined;
  return { entry, tagVersions, tagNames: hint };
}

/** `[entry, version...]` → a read, or `undefined` when the entry is missing. */
function toRead(reply: readonly (Buffer | null)[], hint: readonly string[]): TaggedRead | undefined {
  const entry = reply[0];
  if (entry === null || entry === undefined) return undefined;
  if (hint.length === 0) return { entry, tagVersions: NO_VERSIONS, tagNames: hint };
  const tagVersions: (Uint8Array | undefined)[] = new Array(hint.length);
  for (let i = 0; i < hint.length; i++) tagVersions[i] = reply[i + 1] ?? undefined;
  return { entry, tagVersions, tagNames: hint };
}
