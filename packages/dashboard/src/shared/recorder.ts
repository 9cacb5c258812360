import { CacheMetrics, type CacheService, type CacheSource } from '@tagcache/core';
import { HotKeys } from './hot-keys.js';
import type { DashboardSettings } from './options.js';

/** One bar of the chart: reads during one bucket of time, all caches together. */
export interface TimelinePoint {
  /** Start of the bucket (ms since the epoch). */
  readonly at: number;
  readonly hits: number;
  readonly stale: number;
  readonly misses: number;
}

/** One invalidation, for the table. */
export interface InvalidationRecord {
  readonly at: number;
  readonly cache: string;
  /** Up to 20 of its tags (`more` says how many were left out). */
  readonly tags: readonly string[];
  readonly more: number;
  /** `manual`, `http`, `prisma` or `app`. */
  readonly origin: string;
  /** The route, model/operation or name that invalidated. */
  readonly detail: string;
}

/** One CDN purge request settled (a `purge` or `purge-error` event). */
export interface PurgeRecord {
  readonly at: number;
  readonly cache: string;
  readonly purger: string;
  readonly ok: boolean;
  /** Everything was purged (or was to be). */
  readonly all: boolean;
  /** Up to 20 of its tags (`more` says how many were left out). */
  readonly tags: readonly string[];
  readonly more: number;
  readonly attempts: number;
  /** Why it failed. */
  readonly error: string | null;
}

/**
 * What the dashboard remembers between polls, in bounded memory: a ring of read counts per
 * time bucket, the last invalidations, the hot keys and the metrics (per route and model).
 */
export class DashboardRecorder {
  readonly metrics: CacheMetrics;
  readonly hotKeys: HotKeys;
  readonly #timeline: TimelinePoint[] = [];
  readonly #invalidations: InvalidationRecord[] = [];
  readonly #purges: PurgeRecord[] = [];
  readonly #unsubscribe: (() => void)[] = [];
  readonly #timer: ReturnType<typeof setInterval>;
  #last: { hits: number; stale: number; misses: number };
  #bucketStart = Date.now();

  constructor(readonly settings: DashboardSettings<never>) {
    const caches = settings.caches;
    const hotKeys = new HotKeys(settings.hotKeyCapacity, settings.sampleEvery);
    this.hotKeys = hotKeys;
    // Hot keys are sampled by the metrics' read observers: no `hit` listener, no event per hit.
    this.metrics = new CacheMetrics(caches, {
      sampleHits: { every: settings.sampleEvery, onSample: (cache, key) => hotKeys.record(cache, key) },
    });
    for (const cache of caches) this.#listen(cache);
    this.#last = this.#totals();
    this.#timer = setInterval(() => this.#roll(), settings.bucketMs);
    this.#timer.unref?.();
  }

  /** Closed buckets, oldest first, and the bucket in progress last. */
  timeline(): TimelinePoint[] {
    const now = this.#totals();
    const current = {
      at: this.#bucketStart,
      hits: now.hits - this.#last.hits,
      stale: now.stale - this.#last.stale,
      misses: now.misses - this.#last.misses,
    };
    return [...this.#timeline, current];
  }

  /** The last invalidations, newest first. */
  invalidations(): readonly InvalidationRecord[] {
    return [...this.#invalidations].reverse();
  }

  /** The last CDN purges, newest first. */
  purges(): readonly PurgeRecord[] {
    return [...this.#purges].reverse();
  }

  /** Stops the timer and the listeners. */
  close(): void {
    clearInterval(this.#timer);
    this.metrics.close();
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
  }

  #listen(cache: CacheService): void {
    const name = cache.name;
    this.#unsubscribe.push(
      cache.on('invalidate', ({ tags, source }) => {
        this.#invalidations.push({
          at: Date.now(),
          cache: name,
          tags: tags.slice(0, 20),
          more: Math.max(0, tags.length - 20),
          origin: source?.kind ?? 'manual',
          detail: describe(source),
        });
        if (this.#invalidations.length > this.settings.invalidations) this.#invalidations.shift();
      }),
      cache.on('purge', ({ purger, all, tags, attempts }) =>
        this.#purged({
          at: Date.now(),
          cache: name,
          purger,
          ok: true,
          all,
          ...first20(tags),
          attempts,
          error: null,
        }),
      ),
      cache.on('purge-error', ({ purger, all, tags, attempts, error }) =>
        this.#purged({
          at: Date.now(),
          cache: name,
          purger,
          ok: false,
          all,
          ...first20(tags),
          attempts,
          error: `${error.code}: ${error.message}`,
        }),
      ),
    );
  }

  #purged(record: PurgeRecord): void {
    this.#purges.push(record);
    if (this.#purges.length > this.settings.invalidations) this.#purges.shift();
  }

  #roll(): void {
    const now = this.#totals();
    this.#timeline.push({
      at: this.#bucketStart,
      hits: now.hits - this.#last.hits,
      stale: now.stale - this.#last.stale,
      misses: now.misses - this.#last.misses,
    });
    if (this.#timeline.length >= this.settings.buckets) this.#timeline.shift();
    this.#last = now;
    this.#bucketStart = Date.now();
  }

  #totals(): { hits: number; stale: number; misses: number } {
    let hits = 0;
    let stale = 0;
    let misses = 0;
    for (const cache of this.settings.caches) {
      const stats = cache.stats();
      hits += stats.hits;
      stale += stats.staleHits;
      misses += stats.misses;
    }
    return { hits, stale, misses };
  }
}

function first20(tags: readonly string[]): { tags: readonly string[]; more: number } {
  return { tags: tags.slice(0, 20), more: Math.max(0, tags.length - 20) };
}

/** A source as one short line. */
export function describe(source: CacheSource | undefined): string {
  if (source === undefined) return '';
  switch (source.kind) {
    case 'http':
      return `${source.method} ${source.route}`;
    case 'prisma':
      return `${source.model}.${source.operation}`;
    case 'app':
      return source.name;
    default:
      return '';
  }
}
