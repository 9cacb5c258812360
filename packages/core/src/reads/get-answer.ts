import type { CacheCore, ReadOutcome } from '../cache-core.js';
import type { ReadContinuation } from '../resilience/bounded-reads.js';

/**
 * `CacheService.get`'s last step as a read's continuation (see `readSharedThen`): on a
 * batched Redis hit it runs in the reply's callback, so `get` costs one promise.
 */
export class GetAnswer<T> implements ReadContinuation<ReadOutcome, T | undefined> {
  constructor(
    private readonly core: CacheCore,
    private readonly fullKey: string,
    private readonly defaultValue: T | undefined,
  ) {}

  resume(read: ReadOutcome): T | undefined {
    return answerGet(this.core, this.fullKey, read, this.defaultValue);
  }
}

/** Counts `read` as a hit or a miss and answers its value, or `defaultValue` on a miss. */
export function answerGet<T>(
  core: CacheCore,
  fullKey: string,
  read: ReadOutcome,
  defaultValue: T | undefined,
): T | undefined {
  if (read.state === 'miss') {
    core.miss(fullKey);
    return defaultValue;
  }
  core.hit(fullKey, false, undefined, read.from);
  return read.value as T;
}
