/** A listener of one event, as the emitter stores it. */
type Listener<P> = (payload: P) => void;

/**
 * A minimal typed event emitter. Unlike Node's EventEmitter, an `error` event with no
 * listener is simply dropped (never thrown), and a throwing listener cannot break the cache.
 *
 * Built for the hit path: each event keeps a plain array of listeners, replaced (never changed
 * in place) by {@link on} and {@link off}, so that an emit in progress is not disturbed and a
 * caller can take the array once ({@link listeners}) and build its payload only when there is
 * one.
 */
export class TypedEmitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, readonly Listener<never>[]>();

  /** Adds a listener; returns a function that removes it. */
  on<E extends keyof Events>(event: E, listener: Listener<Events[E]>): () => void {
    const current = this.#listeners.get(event) ?? [];
    if (!current.includes(listener)) this.#listeners.set(event, [...current, listener]);
    return () => this.off(event, listener);
  }

  /** Removes a listener added with {@link on}. */
  off<E extends keyof Events>(event: E, listener: Listener<Events[E]>): void {
    const current = this.#listeners.get(event);
    if (current === undefined || !current.includes(listener)) return;
    const rest = current.filter((l) => l !== listener);
    if (rest.length === 0) this.#listeners.delete(event);
    else this.#listeners.set(event, rest);
  }

  /**
   * The listeners of `event` now, or `undefined` when nobody listens: one lookup, after which
   * {@link notify} calls them (the caller builds no payload for nobody).
   */
  listeners<E extends keyof Events>(event: E): readonly Listener<Events[E]>[] | undefined {
    return this.#listeners.get(event) as readonly Listener<Events[E]>[] | undefined;
  }

  /** Whether anybody listens to `event` (lets callers skip building a payload). */
  listens(event: keyof Events): boolean {
    return this.#listeners.has(event);
  }

  /** Calls every listener of `event` with `payload`. */
  emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    const listeners = this.listeners(event);
    if (listeners !== undefined) notify(listeners, payload);
  }
}

/** Calls `listeners` (from {@link TypedEmitter.listeners}) with `payload`, in order. */
export function notify<P>(listeners: readonly Listener<P>[], payload: P): void {
  for (let i = 0; i < listeners.length; i++) {
    try {
      listeners[i]!(payload);
    } catch {
      // A faulty listener must not turn a cache read into a failed request.
    }
  }
}
