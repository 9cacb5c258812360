import type { BackendConnection, ConnectionState } from '../types/connection.js';

/**
 * The {@link BackendConnection} a backend feeds from its client's events: `set` on every
 * change the client reports. Listeners hear each new state once; `connected` is repeated by
 * {@link reconnected} for a client that found its server again without being seen down.
 */
export class ConnectionSignal implements BackendConnection {
  readonly #listeners = new Set<(state: ConnectionState) => void>();
  #state: ConnectionState;

  constructor(initial: ConnectionState = 'unknown') {
    this.#state = initial;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  onChange(listener: (state: ConnectionState) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Records the client's new state; listeners hear it when it changed. */
  set(state: ConnectionState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#notify(state);
  }

  /** The client (re)connected: listeners hear `connected` even if nothing saw it down. */
  reconnected(): void {
    this.#state = 'connected';
    this.#notify('connected');
  }

  #notify(state: ConnectionState): void {
    for (const listener of [...this.#listeners]) listener(state);
  }
}
