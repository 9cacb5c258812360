import { ConnectionSignal } from '../connection-signal.js';
import type { MemjsClient } from './memcached-client.js';

/**
 * The connection state of a memjs client, which has no reconnection of its own: memjs opens a
 * socket when an operation needs one, and says so by emitting `authenticated` on the server
 * (after the SASL exchange, or at once without credentials). That event is the "connected"
 * signal. That socket closing (the server stopped: memjs itself would only notice at the next
 * request's timeout) or a connection failure marks the client disconnected and starts probing
 * every server
 * (a STATS request, which makes memjs dial each one) at a short, growing interval, at most
 * every 250 ms, until a server connects again: the circuit breaker, which fails calls fast
 * while the client is disconnected, then half-opens at once.
 */
export class ConnectionWatch {
  readonly signal = new ConnectionSignal();
  #client: MemjsClient | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #attempts = 0;
  #closed = false;
  readonly #watched = new WeakSet<object>();

  /** Starts listening to a client's servers (once, when the client is created or injected). */
  follow(client: MemjsClient): void {
    this.#client = client;
    for (const server of client.servers) {
      const emitter = server as { on?: (event: string, listener: () => void) => void };
      emitter.on?.('authenticated', this.#connected);
    }
  }

  /** A connection-level failure: the client is disconnected until a server connects again. */
  lost(): void {
    if (this.#closed) return;
    this.signal.set('disconnected');
    if (this.#timer === undefined) this.#schedule();
  }

  /** Stops probing (the backend is closing). */
  stop(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  readonly #connected = (): void => {
    this.#watchSockets();
    this.#attempts = 0;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.signal.reconnected();
  };

  /**
   * memjs keeps each server's socket as `_socket` (memjs 1.x; not part of its typed API, hence
   * the duck typing): its `close` is the moment the client knows the server is gone.
   */
  #watchSockets(): void {
    for (const server of this.#client?.servers ?? []) {
      const socket = (server as { _socket?: { once?: (event: 'close', listener: () => void) => void } })
        ._socket;
      if (socket === undefined || this.#watched.has(socket)) continue;
      this.#watched.add(socket);
      socket.once?.('close', () => {
        this.#watched.delete(socket);
        this.lost();
      });
    }
  }

  #schedule(): void {
    this.#attempts++;
    this.#timer = setTimeout(this.#probe, Math.min(50 * this.#attempts, 250));
    // Probing a dead server must not keep the process alive.
    this.#timer.unref?.();
  }

  readonly #probe = (): void => {
    this.#timer = undefined;
    if (this.#closed || this.signal.state !== 'disconnected') return;
    try {
      this.#client?.stats(() => {});
    } catch {
      // A client that cannot even send is probed again at the next tick.
    }
    this.#schedule();
  };
}
