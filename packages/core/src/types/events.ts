import type { CacheError } from '../errors.js';
import type { PurgeFailure, PurgeReport } from '../purge/purge-queue.js';

/** Which service operation an error or event came from. */
export type CacheOperation =
  | 'get'
  | 'set'
  | 'delete'
  | 'deletePattern'
  | 'has'
  | 'getOrSet'
  | 'invalidateTags'
  | 'lock'
  | 'health'
  | 'inspect'
  | 'close';

/**
 * Who made a call, for metrics and the dashboard. Adapters pass one with each `getOrSet` and
 * `invalidateTags`; every field is a bounded name (a route template, a model), never raw input
 * such as a URL, so that metric attributes stay few. Pass the same object on every call from
 * one place (a constant, or one built once per route): listeners may key on its identity.
 */
export type CacheSource =
  /** `@tagcache/middleware`: the route template (`'/products/:id'`), never the URL, and the method. */
  | { readonly kind: 'http'; readonly route: string; readonly method: string }
  /** `@tagcache/prisma`: the model and the operation (`'Product'`, `'findMany'`). */
  | { readonly kind: 'prisma'; readonly model: string; readonly operation: string }
  /** Your own code: a short constant name (`'stats'`, `'admin'`). */
  | { readonly kind: 'app'; readonly name: string };

/** The backend calls timed by the `call` event. */
export type BackendCall = 'get' | 'set' | 'delete' | 'deletePattern' | 'invalidate';

/** Events emitted by a `CacheService`, by name, with their payloads. */
export interface CacheEvents {
  /** A read found a value; `stale` when it was served from the grace period. */
  hit: { key: string; stale: boolean; source?: CacheSource | undefined };
  /** A read found nothing usable. */
  miss: { key: string; source?: CacheSource | undefined };
  /** A value was stored. */
  set: { key: string; tags: readonly string[] };
  /** A key was deleted (or several, by pattern). */
  delete: { key: string };
  /** Tags were invalidated; `source` says by whom (none: a direct call, shown as `manual`). */
  invalidate: { tags: readonly string[]; source?: CacheSource | undefined };
  /** A loader ran for a miss (or a background refresh). */
  load: { key: string; background: boolean; source?: CacheSource | undefined };
  /** A loader finished (`ok: false`: it threw), after `durationMs` (fractional milliseconds). */
  loaded: { key: string; durationMs: number; ok: boolean; source?: CacheSource | undefined };
  /**
   * A backend call finished, after `durationMs` (fractional milliseconds). Sampled: emitted for
   * one call in 16 (of every kind together), and only while somebody listens (no clock is read
   * otherwise), so that timing costs a hit next to nothing. `get` is the read of one entry with
   * its tag versions, `invalidate` the write of new tag versions.
   */
  call: { call: BackendCall; durationMs: number; ok: boolean };
  /** The cache layer failed; the caller got a miss or `false` instead of an exception. */
  error: { error: CacheError; operation: CacheOperation; key?: string };
  /** A purger purged a batch of tags (or everything) at the CDN. */
  purge: PurgeReport;
  /** A purge was given up (retries spent, not retryable, or dropped by a full queue). */
  'purge-error': PurgeFailure;
  /**
   * With `l1`: the bus stopped receiving (connection lost, or a publish failed). Until
   * `bus-reconnect`, every read bypasses the L1.
   */
  'bus-disconnect': BusEvent;
  /** With `l1`: the bus receives again after a `bus-disconnect`; the L1 was cleared (it starts cold). */
  'bus-reconnect': BusEvent;
}

/** Payload of the `bus-disconnect` and `bus-reconnect` events. */
export interface BusEvent {
  /** The service's name. */
  readonly name: string;
}

/** A listener for event `E`. */
export type CacheEventListener<E extends keyof CacheEvents> = (payload: CacheEvents[E]) => void;
