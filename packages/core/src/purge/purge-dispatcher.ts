import type { TypedEmitter } from '../observability/emitter.js';
import type { CacheEvents } from '../types/events.js';
import type { CacheLogger } from '../types/logger.js';
import { PurgeQueue } from './purge-queue.js';
import type { PurgeSettings } from './purge-settings.js';
import type { TagHeaderFormat } from './purger.js';

/**
 * A service's purgers, one {@link PurgeQueue} each. Results go out as `purge` and
 * `purge-error` events; failures are also logged (purger, code, status and tag count: never
 * a credential, which purgers keep out of their errors).
 */
export class PurgeDispatcher {
  /** The first purger's tag header: the one the HTTP middleware sends by default. */
  readonly tagHeader: TagHeaderFormat | undefined;
  readonly #queues: readonly PurgeQueue[];

  constructor(settings: PurgeSettings, events: TypedEmitter<CacheEvents>, logger: CacheLogger) {
    this.tagHeader = settings.purgers.find((purger) => purger.tagHeader !== undefined)?.tagHeader;
    const reporter = {
      purged: (report: CacheEvents['purge']) => events.emit('purge', report),
      failed: (failure: CacheEvents['purge-error']) => {
        const { error } = failure;
        logger.warn(
          {
            purger: failure.purger,
            code: error.code,
            status: error.status,
            tags: failure.tags.length,
            attempts: failure.attempts,
          },
          `tagcache: purge failed: ${error.message}`,
        );
        events.emit('purge-error', failure);
      },
    };
    this.#queues = settings.purgers.map((purger) => new PurgeQueue(purger, settings, reporter));
  }

  /** Hands `tags` to every purger's queue; returns at once. */
  enqueue(tags: readonly string[]): void {
    for (const queue of this.#queues) queue.add(tags);
  }

  /** Resolves when every queue is idle (see {@link PurgeQueue.settle}). */
  async settle(): Promise<void> {
    await Promise.all(this.#queues.map((queue) => queue.settle()));
  }

  /** Drains every queue, second purges included, and takes no more tags. */
  async close(): Promise<void> {
    await Promise.all(this.#queues.map((queue) => queue.close()));
  }
}
