/**
 * What a network backend's client knows about its connection: `connected` once it can send
 * commands, `disconnected` while it knows it cannot (refused, reset, closed), `unknown` before
 * its first connection attempt ended.
 */
export type ConnectionState = 'connected' | 'disconnected' | 'unknown';

/**
 * A backend's connection as its client sees it (see `CacheBackend.connection`). The service's
 * circuit breaker listens to it: a backend that reports `connected` again half-opens an open
 * circuit at once instead of after the cool-down, and calls made while it reports
 * `disconnected` fail fast with `CONNECTION` instead of waiting for a timeout.
 */
export interface BackendConnection {
  /** The current state. */
  readonly state: ConnectionState;
  /**
   * Calls `listener` with every new state (and once more with `connected` when the client
   * reconnected to another node without being seen down, e.g. after a failover). Returns a
   * function that stops listening.
   */
  onChange(listener: (state: ConnectionState) => void): () => void;
}
