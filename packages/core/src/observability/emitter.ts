/**
 * A minimal typed event emitter. Unlike Node's EventEmitter, an `error` event with no
 * listener is simply dropped (never thrown), and a throwing listener cannot break the cache.
 */
export class TypedEmitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  /** Adds a listener; returns a function that removes it. */
  on<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => this.off(event, listener);
  }

  /** Removes a listener added with {@link on}. */
  off<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): void {
    const set = this.#listeners.get(event);
    set?.delete(listener as (payload: never) => void);
    if (set?.size === 0) this.#listeners.delete(event);
  }

  /** Whether anybody listens to `event` (lets callers skip building a payload). */
  listens(event: keyof Events): boolean {
    return this.#listeners.has(event);
  }

  emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of set) {
      try {
        (listener as (payload: Events[E]) => void)(payload);
      } catch {
        // A faulty listener must not turn a cache read into a failed request.
      }
    }
  }
}
