import { randomUUID } from 'node:crypto';
import type { GetOrSetOutcome } from '@tagcache/core';

/**
 * Prisma Accelerate's `info`, as `.withAccelerateInfo()` resolves it next to the data.
 * - `cacheStatus`: `'ttl'` a fresh hit, `'swr'` a stale value served while it refreshes,
 *   `'miss'` the query ran (a miss, a load shared with a concurrent caller, a cache fault), and
 *   `'none'` the read bypassed the cache (`cache: false`, opt-in mode without options, inside
 *   a transaction, a model or operation switched off).
 * - `lastModified`: when the cached entry was written (hits and stale values), otherwise now.
 * - `region`: always `'local'`: the answer came from this process's cache service, not an edge
 *   region.
 * - `requestId`: a random UUID per read.
 * - `signature`: the read's cache key (the key `cache.inspect(key)` and `cache.delete(key)`
 *   take); `'unspecified'` when the read bypassed the cache.
 */
export interface AccelerateInfo {
  readonly cacheStatus: 'ttl' | 'swr' | 'miss' | 'none';
  readonly lastModified: Date;
  readonly region: string;
  readonly requestId: string;
  readonly signature: string;
}

/** What `.withAccelerateInfo()` resolves to. */
export interface AccelerateResultWithInfo<R> {
  readonly data: R;
  readonly info: AccelerateInfo;
}

/** The method every cached read's promise carries (Accelerate's API). */
export interface WithAccelerateInfo<R> {
  /** Runs the read (lazily, like Prisma's promises) and resolves its data with Accelerate's `info`. */
  withAccelerateInfo(): Promise<AccelerateResultWithInfo<R>>;
}

/** What a cached read observed, filled in by the query handler when info was asked for. */
export interface ReadObservation {
  outcome?: GetOrSetOutcome;
  storedAt?: number;
  key?: string;
}

/** The argument the model methods add to ask the query hook for `{ data, info }` (stripped there). */
export const INFO_ARG = '__tagcacheAccelerateInfo';

/** Whether `args` ask for info. */
export function wantsInfo(args: unknown): boolean {
  return typeof args === 'object' && args !== null && INFO_ARG in args;
}

/** `args` without the info flag. */
export function withoutInfoFlag(args: unknown): unknown {
  const { [INFO_ARG]: _flag, ...rest } = args as Record<string, unknown>;
  return rest;
}

const STATUS: Readonly<Record<GetOrSetOutcome, AccelerateInfo['cacheStatus']>> = {
  hit: 'ttl',
  stale: 'swr',
  loaded: 'miss',
  shared: 'miss',
  degraded: 'miss',
  fallback: 'miss',
};

/** Accelerate's `info` for what a read observed (nothing observed: the cache was bypassed). */
export function accelerateInfo(seen: ReadObservation): AccelerateInfo {
  return {
    cacheStatus: seen.outcome === undefined ? 'none' : STATUS[seen.outcome],
    lastModified: new Date(seen.storedAt ?? Date.now()),
    region: 'local',
    requestId: randomUUID(),
    signature: seen.outcome === undefined ? 'unspecified' : (seen.key ?? 'unspecified'),
  };
}
