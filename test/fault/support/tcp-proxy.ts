/**
 * A TCP proxy on loopback that misbehaves on demand, to put between a client and its server:
 * - `pass`: forwards bytes as they come;
 * - `delay`: forwards every chunk `delayMs` late (order kept), a slow network or server;
 * - `stall`: holds every byte until the mode changes, then delivers them in order (a partition
 *   that heals: TCP retransmits, nothing is lost);
 * - `drop`: resets every connection, and every new one at once (a dead path).
 */
import { createServer, type Server, type Socket } from 'node:net';

export type ProxyMode = 'pass' | 'delay' | 'stall' | 'drop';

export class TcpProxy {
  #mode: ProxyMode = 'pass';
  #delayMs = 0;
  readonly #sockets = new Set<Socket>();
  /** Per direction of every connection: releases what a stall holds. */
  readonly #held = new Set<() => void>();
  /** Connections accepted so far. */
  connections = 0;

  private constructor(
    readonly server: Server,
    readonly port: number,
  ) {}

  /** Listens on a free loopback port and forwards to `127.0.0.1:targetPort`. */
  static async start(targetPort: number): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const server = createServer((client) => proxy?.accept(client, targetPort));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    proxy = new TcpProxy(server, typeof address === 'object' && address ? address.port : 0);
    return proxy;
  }

  get mode(): ProxyMode {
    return this.#mode;
  }

  setMode(mode: ProxyMode, delayMs = 0): void {
    this.#mode = mode;
    this.#delayMs = delayMs;
    if (mode === 'drop') for (const socket of this.#sockets) socket.destroy();
    if (mode !== 'stall') for (const release of this.#held) release();
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, targetPort: number): void {
    this.connections++;
    if (this.#mode === 'drop') {
      client.destroy();
      return;
    }
    const upstream = new (client.constructor as typeof Socket)();
    upstream.connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on('error', () => {});
      socket.once('close', () => {
        this.#sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    this.pipe(client, upstream);
    this.pipe(upstream, client);
  }

  /** One direction: chunks leave in arrival order, each no earlier than its `readyAt`. */
  private pipe(from: Socket, to: Socket): void {
    const queue: { chunk: Buffer; readyAt: number }[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const pump = (): void => {
      timer = undefined;
      const now = performance.now();
      while (queue.length > 0 && queue[0]!.readyAt <= now) {
        const { chunk } = queue.shift()!;
        if (!to.destroyed) to.write(chunk);
      }
      const head = queue[0];
      if (head !== undefined && Number.isFinite(head.readyAt)) {
        timer = setTimeout(pump, Math.max(1, head.readyAt - now));
      }
    };
    const release = (): void => {
      for (const item of queue) if (!Number.isFinite(item.readyAt)) item.readyAt = performance.now();
      if (timer !== undefined) clearTimeout(timer);
      pump();
    };
    this.#held.add(release);
    from.on('data', (chunk: Buffer) => {
      const now = performance.now();
      const readyAt =
        this.#mode === 'delay'
          ? now + this.#delayMs
          : this.#mode === 'stall'
            ? Number.POSITIVE_INFINITY
            : now;
      queue.push({ chunk, readyAt });
      if (timer === undefined) pump();
    });
    from.once('close', () => {
      this.#held.delete(release);
      if (timer !== undefined) clearTimeout(timer);
    });
  }
}
