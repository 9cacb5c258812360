import { AsyncLocalStorage } from 'node:async_hooks';

/** How long a storage stays enabled after its last run settled, by default. */
const DEFAULT_IDLE_MS = 1000;

/**
 * An `AsyncLocalStorage` that is enabled only while its {@link run}s are in progress, and for a
 * short idle spell after the last one settles. On Node 20 an enabled storage puts an async hook
 * on every promise the process creates, whoever creates it: a library that enters a scope now
 * and then (a load, a transaction) must not leave the whole process paying for it once the
 * scope is over. The idle spell bounds how often the hooks are switched (at most once per
 * spell), and the switch-off runs from a timer, never inside a promise callback.
 */
export class ScopedStorage<T> {
  readonly #storage = new AsyncLocalStorage<T>();
  readonly #idleMs: number;
  /** Runs not settled yet. */
  #running = 0;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;

  /** @param idleMs How long the storage stays enabled once no run is in progress (ms). */
  constructor(idleMs: number = DEFAULT_IDLE_MS) {
    this.#idleMs = idleMs;
  }

  /** The store of the run this code is part of; `undefined` outside every run. */
  getStore(): T | undefined {
    return this.#storage.getStore();
  }

  /**
   * Runs `body` with `store` visible to {@link getStore} along its asynchronous call chain, and
   * returns what `body` returns, unchanged (the same promise, settling in the same tick). A run
   * whose `body` returns a promise lasts until that promise settles.
   */
  run<R>(store: T, body: () => R): R {
    this.#running++;
    let result: R;
    try {
      result = this.#storage.run(store, body);
    } catch (error) {
      this.#settled();
      throw error;
    }
    if (result instanceof Promise) result.then(this.#settled, this.#settled);
    else this.#settled();
    return result;
  }

  readonly #settled = (): void => {
    if (--this.#running > 0 || this.#idleTimer !== undefined) return;
    this.#idleTimer = setTimeout(this.#disableIfIdle, this.#idleMs);
    this.#idleTimer.unref?.();
  };

  readonly #disableIfIdle = (): void => {
    this.#idleTimer = undefined;
    // `run` enables the storage again for the next run.
    if (this.#running === 0) this.#storage.disable();
  };
}
