import type { MemjsClient } from './memcached-client.js';

/** The part of a memjs `Server` this module touches (memjs ≥ 1.3 keeps its socket there). */
interface MemjsServer {
  _socket?: { cork?: () => void; uncork?: () => void; destroyed?: boolean };
}

/**
 * memjs writes every request to its socket at once, one syscall each: at 100 concurrent hits
 * the writes cost more than everything else on the client. Corking the servers' sockets for
 * the rest of the event-loop turn (uncorked on `setImmediate`, where ioredis' auto-pipelining
 * flushes too) sends the turn's requests in one write per server. Requests made before a
 * socket exists (connecting) are left to memjs as they are.
 */
export class WriteBatching {
  #corked: { uncork?: () => void }[] | undefined;

  /** Corks `client`'s connected sockets until the end of the turn (once per turn). */
  cork(client: MemjsClient): void {
    if (this.#corked !== undefined) return;
    const corked: { uncork?: () => void }[] = [];
    for (const server of client.servers as readonly MemjsServer[]) {
      const socket = server._socket;
      if (socket === undefined || socket.destroyed || typeof socket.cork !== 'function') continue;
      socket.cork();
      corked.push(socket);
    }
    this.#corked = corked;
    setImmediate(this.#uncork);
  }

  #uncork = (): void => {
    const corked = this.#corked ?? [];
    this.#corked = undefined;
    for (const socket of corked) socket.uncork?.();
  };
}
