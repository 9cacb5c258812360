import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * An `AsyncLocalStorage` that is enabled only while one of its {@link run}s is in progress. On
 * Node 20 an enabled storage puts an async hook on every promise the process creates, whoever
 * creates it; a library that enters a scope now and then (a load, a transaction) must not leave
 * the whole process paying for it once the scope is over.
 */
export class ScopedStorage<T> {
  readonly #storage = new AsyncLocalStorage<T>();
  /** Runs not settled yet. */
  #running = 0;

  /** The store of the run this code is part of; `undefined` outside every run. */
  getStore(): T | undefined {
    return this.#storage.getStore();
  }

  /**
   * Runs `body` with `store` visible to {@link getStore} along its asynchronous call chain; the
   * storage is disabled again once no run is in progress.
   */
  async run<R>(store: T, body: () => R | PromiseLike<R>): Promise<R> {
    this.#running++;
    try {
      // `run` enables the storage again after an idle spell.
      return await this.#storage.run(store, body);
    } finally {
      if (--this.#running === 0) this.#storage.disable();
    }
  }
}
