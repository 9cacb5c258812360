import { isPurgeableTag, takeBatch } from './batches.js';
import { PurgeError } from './purge-error.js';
import type { PurgeSettings } from './purge-settings.js';
import type { Purger } from './purger.js';

/** What a queue reports: a batch purged, or a batch (or overflow) given up. */
export interface PurgeReporter {
  purged(report: PurgeReport): void;
  failed(report: PurgeFailure): void;
}

/** Payload of the `purge` event. */
export interface PurgeReport {
  /** The purger's name. */
  readonly purger: string;
  /** The tags purged (empty when `all`). */
  readonly tags: readonly string[];
  /** Everything was purged (a full queue fell back to `purgeAll`). */
  readonly all: boolean;
  /** This was the second purge, `repurgeAfter` after the first. */
  readonly repurge: boolean;
  /** Requests it took, the first included. */
  readonly attempts: number;
}

/** Payload of the `purge-error` event. */
export interface PurgeFailure {
  /** The purger's name. */
  readonly purger: string;
  /** The tags that were not purged (empty when `all`). */
  readonly tags: readonly string[];
  /** A purge of everything failed. */
  readonly all: boolean;
  readonly error: PurgeError;
  /** Requests made, 0 for tags dropped by a full queue. */
  readonly attempts: number;
}

/**
 * One purger's queue. Tags wait in a set (so duplicates coalesce) while a request is in
 * flight and go out together in the next one, split by the purger's batch limits; failed
 * batches are retried with backoff (or the CDN's `Retry-After`); purged tags are purged once
 * more after `repurgeAfter`. One request at a time per purger, which also spaces requests to
 * rate-limited APIs. Its timers never keep the process alive, except while someone awaits
 * {@link settle} or {@link close}.
 */
export class PurgeQueue {
  readonly #purger: Purger;
  readonly #settings: PurgeSettings;
  readonly #reporter: PurgeReporter;
  /** Tags from invalidations, not sent yet. */
  readonly #fresh = new Set<string>();
  /** Tags due for their second purge. */
  readonly #again = new Set<string>();
  /** Tags waiting for their second purge: tag → when (insertion order is time order). */
  readonly #scheduled = new Map<string, number>();
  #scheduleTimer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  /** Ends the current retry wait early (on close). */
  #wake: (() => void) | undefined;
  #everything = false;
  #running = false;
  #closed = false;
  readonly #idle: Array<() => void> = [];

  constructor(purger: Purger, settings: PurgeSettings, reporter: PurgeReporter) {
    this.#purger = purger;
    this.#settings = settings;
    this.#reporter = reporter;
  }

  /** Queues `tags` for purging; returns at once. Ignored once closed. */
  add(tags: readonly string[]): void {
    if (this.#closed) return;
    const dropped: string[] = [];
    for (const tag of tags) {
      if (this.#everything || !isPurgeableTag(tag)) continue;
      this.#again.delete(tag);
      if (this.#fresh.has(tag)) continue;
      if (this.#fresh.size + this.#again.size < this.#settings.maxQueue) {
        this.#fresh.add(tag);
      } else if (this.#purger.purgeAll !== undefined) {
        this.#everything = true;
        this.#fresh.clear();
        this.#again.clear();
      } else {
        dropped.push(tag);
      }
    }
    if (dropped.length > 0) {
      const error = new PurgeError(
        'OVERFLOW',
        `${this.#purger.name}: purge queue full (${this.#settings.maxQueue} tags); ${dropped.length} tag(s) dropped`,
      );
      this.#reporter.failed({ purger: this.#purger.name, tags: dropped, all: false, error, attempts: 0 });
    }
    this.#start();
  }

  /** Resolves once nothing is queued or in flight (second purges still waiting their turn excepted). */
  settle(): Promise<void> {
    if (!this.#busy()) return Promise.resolve();
    this.#retryTimer?.ref();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /**
   * Stops taking tags, sends the waiting second purges now, and resolves when everything
   * queued was sent. While closing nothing is retried: a batch waiting to be retried is sent
   * at once, and a failure is reported (`purge-error`) rather than retried, so a CDN that is
   * down cannot hold up a shutdown for more than one request timeout per batch.
   */
  close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    this.#wake?.();
    clearTimeout(this.#scheduleTimer);
    this.#scheduleTimer = undefined;
    for (const tag of this.#scheduled.keys()) if (!this.#fresh.has(tag)) this.#again.add(tag);
    this.#scheduled.clear();
    this.#start();
    return this.settle();
  }

  #busy(): boolean {
    return this.#running || this.#everything || this.#fresh.size > 0 || this.#again.size > 0;
  }

  #start(): void {
    if (this.#running || !this.#busy()) return;
    this.#running = true;
    // After the current turn, so invalidations of the same turn share a request.
    queueMicrotask(() => void this.#drain());
  }

  async #drain(): Promise<void> {
    for (;;) {
      if (this.#everything) {
        this.#everything = false;
        await this.#send([], true, false);
      } else if (this.#fresh.size > 0) {
        await this.#send(takeBatch(this.#fresh, this.#purger.batch), false, false);
      } else if (this.#again.size > 0) {
        await this.#send(takeBatch(this.#again, this.#purger.batch), false, true);
      } else {
        break;
      }
    }
    this.#running = false;
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  async #send(tags: readonly string[], all: boolean, repurge: boolean): Promise<void> {
    const purger = this.#purger;
    for (let attempts = 1; ; attempts++) {
      try {
        await (all ? purger.purgeAll?.() : purger.purge(tags));
        this.#reporter.purged({ purger: purger.name, tags, all, repurge, attempts });
        if (!repurge && !all) this.#schedule(tags);
        return;
      } catch (thrown) {
        const error = asPurgeError(thrown, purger.name);
        if (!error.retryable || attempts >= this.#settings.maxAttempts || this.#closed) {
          this.#reporter.failed({ purger: purger.name, tags, all, error, attempts });
          return;
        }
        await this.#sleep(this.#retryDelay(attempts, error));
      }
    }
  }

  #retryDelay(attempts: number, error: PurgeError): number {
    const { retryDelayMs, maxRetryDelayMs } = this.#settings;
    const backoff = retryDelayMs * 2 ** (attempts - 1) * (0.5 + Math.random() / 2);
    return Math.min(maxRetryDelayMs, error.retryAfterMs ?? backoff);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = () => {
        this.#retryTimer = undefined;
        this.#wake = undefined;
        resolve();
      };
      this.#retryTimer = setTimeout(this.#wake, ms);
      if (this.#idle.length === 0) this.#retryTimer.unref();
    });
  }

  #schedule(tags: readonly string[]): void {
    const { repurgeAfterMs, maxQueue } = this.#settings;
    if (repurgeAfterMs === 0 || this.#closed) return;
    const due = Date.now() + repurgeAfterMs;
    for (const tag of tags) {
      this.#scheduled.delete(tag);
      if (this.#scheduled.size < maxQueue) this.#scheduled.set(tag, due);
    }
    this.#armSchedule();
  }

  #armSchedule(): void {
    if (this.#scheduleTimer !== undefined) return;
    const first = this.#scheduled.values().next();
    if (first.done === true) return;
    this.#scheduleTimer = setTimeout(() => this.#repurgeDue(), Math.max(0, first.value - Date.now()));
    this.#scheduleTimer.unref();
  }

  #repurgeDue(): void {
    this.#scheduleTimer = undefined;
    const now = Date.now();
    for (const [tag, due] of this.#scheduled) {
      if (due > now) break;
      this.#scheduled.delete(tag);
      if (!this.#fresh.has(tag)) this.#again.add(tag);
    }
    this.#armSchedule();
    this.#start();
  }
}

/** Anything a purger threw, as a `PurgeError` (unknown errors are retried like network errors). */
function asPurgeError(thrown: unknown, purger: string): PurgeError {
  if (thrown instanceof PurgeError) return thrown;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new PurgeError('PURGER', `${purger}: ${message}`, { retryable: true, cause: thrown });
}
