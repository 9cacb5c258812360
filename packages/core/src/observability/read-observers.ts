import type { CacheSource } from '../types/events.js';

/**
 * Counts a service's reads as they happen, without an event object: what `CacheMetrics`
 * attaches to each cache it aggregates (the `hit` and `miss` events would allocate a payload
 * per read). `key` is the backend key, as in the events. Must not throw.
 */
export interface ReadObserver {
  hit(key: string, stale: boolean, source: CacheSource | undefined): void;
  miss(key: string, source: CacheSource | undefined): void;
}

/** The read observers of one service (internal: reached through {@link readObserversOf}). */
export class ReadObservers {
  /** Replaced, never changed in place: a read in progress is not disturbed. */
  list: readonly ReadObserver[] = [];

  /** Adds an observer; returns a function that removes it. */
  add(observer: ReadObserver): () => void {
    this.list = [...this.list, observer];
    return () => {
      this.list = this.list.filter((o) => o !== observer);
    };
  }
}

const byService = new WeakMap<object, ReadObservers>();

/** Gives `service` its observers (called once, by its constructor). */
export function registerReadObservers(service: object, observers: ReadObservers): void {
  byService.set(service, observers);
}

/** The observers of a service, or `undefined` for an object that is no service of this copy of the core. */
export function readObserversOf(service: object): ReadObservers | undefined {
  return byService.get(service);
}
