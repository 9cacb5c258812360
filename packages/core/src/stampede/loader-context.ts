import type { TagStamp } from '../entry/entry-codec.js';
import { CacheUsageError } from '../errors.js';
import type { Duration } from '../time/duration.js';
import { toMilliseconds } from '../time/duration.js';
import type { LoaderContext } from '../types/options.js';

/** What a load's loader asked for through its {@link LoaderContext}. */
export class LoadContext<T> implements LoaderContext<T> {
  readonly lateTags: string[] = [];
  /** Tag versions captured by re-entrant loads of the same key before their loaders ran. */
  readonly nestedStamps: TagStamp[] = [];
  /** The TTL the loader set, in ms. */
  ttlMs: number | undefined;
  /** The grace the loader set, in ms. */
  graceMs: number | undefined;
  /** The shortest TTL asked for by re-entrant loads of the same key (see `reentry.ts`). */
  capMs: number | undefined;
  skipped = false;
  /** What the loader passed to `skipStore`. */
  skipDetail: string | undefined;
  /** The loader called `serveStale()`: the load failed, its stale value answers. */
  failed = false;
  /** Whether a throwing loader is answered with the stale value (see `noFallback`). */
  fallback = true;

  constructor(
    readonly key: string,
    readonly stale: T | undefined,
    readonly background: boolean,
  ) {}

  addTags(...tags: string[]): void {
    this.lateTags.push(...tags);
  }

  setTtl(ttl: Duration): void {
    this.ttlMs = toMilliseconds(ttl, 'setTtl', true);
  }

  setGrace(grace: Duration): void {
    this.graceMs = toMilliseconds(grace, 'setGrace', true);
  }

  skipStore(detail?: string): void {
    this.skipped = true;
    this.skipDetail ??= detail;
  }

  serveStale(): T {
    if (this.stale === undefined)
      throw new CacheUsageError('there is no stale value to serve (check context.stale)', 'serveStale');
    this.failed = true;
    return this.stale;
  }

  noFallback(): void {
    this.fallback = false;
  }

  /** Keeps the stored value no longer than `ttlMs` (a nested load of the same key asked so). */
  capTtl(ttlMs: number): void {
    this.capMs = this.capMs === undefined ? ttlMs : Math.min(this.capMs, ttlMs);
  }

  /** The TTL to store with: the loader's, else `requestTtlMs`, never above a nested cap. */
  effectiveTtl(requestTtlMs: number): number {
    const ttl = this.ttlMs ?? requestTtlMs;
    return this.capMs === undefined ? ttl : Math.min(ttl, this.capMs);
  }

  /** The grace to store with: the loader's, else `requestGraceMs`. */
  effectiveGrace(requestGraceMs: number): number {
    return this.graceMs ?? requestGraceMs;
  }
}

/**
 * The context of a load re-entering its own flight (a `getOrSet` for key K made from inside
 * K's loader): whatever it asks applies to the enclosing load, which stores the value once.
 */
export class NestedContext<T> implements LoaderContext<T> {
  readonly stale = undefined;
  readonly background = false;

  constructor(
    readonly key: string,
    private readonly outer: LoadContext<unknown>,
  ) {}

  addTags(...tags: string[]): void {
    this.outer.addTags(...tags);
  }

  setTtl(ttl: Duration): void {
    this.outer.capTtl(toMilliseconds(ttl, 'setTtl', true));
  }

  /** A re-entrant load's grace is ignored: the enclosing load's applies to the one value stored. */
  setGrace(grace: Duration): void {
    toMilliseconds(grace, 'setGrace', true);
  }

  skipStore(detail?: string): void {
    this.outer.skipStore(detail);
  }

  serveStale(): T {
    throw new CacheUsageError(
      'a call made from inside the loader of its own key has no stale value to serve',
      'serveStale',
    );
  }

  noFallback(): void {
    this.outer.noFallback();
  }
}
