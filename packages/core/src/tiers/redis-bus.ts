import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createRedisClient, type IoredisClient } from '../backends/redis/redis-client.js';
import { resolveRedisConnection } from '../backends/redis/redis-connection.js';
import type { RedisClient, RedisConnectionOptions } from '../backends/redis/redis-types.js';
import { CacheUsageError } from '../errors.js';
import { busMessageSender, decodeBusMessage, encodeBusMessage } from './bus-codec.js';
import type { BusMessage, BusState, InvalidationBus } from './bus-contract.js';
import { createSubscriber, heartbeat } from './redis-subscriber.js';

/** Options of {@link RedisBus}: a client to publish with, or how to reach Redis. */
export interface RedisBusOptions extends RedisConnectionOptions {
  /**
   * An existing ioredis `Redis` or `Cluster` to publish with; the subscriber connection is a
   * copy of its settings. The bus never closes it: its owner does.
   */
  readonly client?: RedisClient;
  /**
   * The pub/sub channel. Default `'__tc:bus'`. Messages carry full backend keys (prefix
   * included), so services with different prefixes can share a channel; a channel per
   * application only saves them reading each other's messages.
   */
  readonly channel?: string;
  /**
   * Longest a PUBLISH, or the PING the subscriber is sent every `timeoutMs`, may go unanswered
   * before the bus counts its connection as lost, in ms. Bounds how long a silent network cut
   * or a frozen server goes unnoticed. Default 1,000.
   */
  readonly timeoutMs?: number;
}

/** The default channel of {@link RedisBus}. */
export const BUS_CHANNEL = '__tc:bus';

/** How long the bus waits before trying again to publish what it owes, or to find a cluster node. */
const RETRY_MS = 200;
/** Failed reconnections to one cluster node after which the subscriber moves to another master. */
const NODE_ATTEMPTS = 3;

/**
 * The invalidation bus on Redis pub/sub. Each instance publishes what it changed on one
 * channel and hears what the others changed on its own subscriber connection.
 *
 * - **Silent failures**: the subscriber is pinged every `timeoutMs` (1 s), and a PUBLISH or
 *   PING unanswered for `timeoutMs` counts as a lost connection, so a network cut or a frozen
 *   server is noticed within about two `timeoutMs`, not when TCP gives up.
 * - **Own messages**: each message carries the bus's random `instanceId`; an instance drops
 *   its own without decoding them.
 * - **State**: `connected` is `true` only while the SUBSCRIBE of the current connection is
 *   confirmed and nothing is owed to the others. From the moment the subscriber's socket
 *   closes (a restart, `CLIENT KILL TYPE pubsub`, a network cut noticed by the OS) it is
 *   `false`, until ioredis has reconnected and the bus has subscribed again; each change is
 *   reported through `onState`.
 * - **Publishing never throws**. A failed publish means the others may have missed a change:
 *   the bus reports `disconnected`, and retries, every 200 ms, a `clear` (sent after the lost
 *   message, it covers it whatever it was); messages published meanwhile are covered by it
 *   too. Once it is through, the bus is `connected` again.
 * - **Redis Cluster**: classic `PUBLISH`, which the cluster broadcasts to every node, and a
 *   subscriber pinned to one master (moved to another after 3 failed reconnections). Sharded
 *   pub/sub (`SPUBLISH`, Redis 7) would keep the traffic on one shard, but its channel moves
 *   with its slot and subscribers are dropped on resharding; invalidations are small and few
 *   next to reads, so the broadcast costs little.
 * - Nothing connects in the constructor: the subscriber connects on first use (the first
 *   `publish`, or the first time `connected` is asked, which a service with an L1 does on its
 *   first read), so a service that is built and never used opens no connection.
 *
 * @example
 * ```ts
 * const bus = new RedisBus({ url: 'redis://cache.internal:6379' });
 * const cache = new CacheService({ backend: new MemcachedBackend({ servers }), l1: { maxEntries: 10_000 }, bus });
 * ```
 */
export class RedisBus implements InvalidationBus {
  /** This instance's id, carried by every message it publishes. */
  readonly instanceId: string = randomBytes(9).toString('base64url');
  readonly #channel: string;
  readonly #publisher: () => Promise<IoredisClient>;
  readonly #ownsPublisher: boolean;
  readonly #timeoutMs: number;
  readonly #messageHandlers: ((message: BusMessage, sender: string) => void)[] = [];
  readonly #stateHandlers: ((state: BusState) => void)[] = [];
  #publisherClient: Promise<IoredisClient> | undefined;
  #subscriber: Redis | undefined;
  #stopHeartbeat: (() => void) | undefined;
  #subscribed = false;
  /** A publish failed: a `clear` is owed to the other instances. */
  #owesClear = false;
  #reported = false;
  #started = false;
  #closed = false;
  #attempts = 0;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  /**
   * @param options how to reach Redis (a client or connection options) and the channel.
   * @param publisher internal: the backend's own client, when the backend creates the bus.
   */
  constructor(options: RedisBusOptions = {}, publisher?: () => Promise<RedisClient>) {
    this.#channel = options.channel ?? BUS_CHANNEL;
    this.#timeoutMs = options.timeoutMs ?? 1_000;
    if (!Number.isFinite(this.#timeoutMs) || this.#timeoutMs <= 0) {
      throw new CacheUsageError('expected a positive number of milliseconds', 'bus.timeoutMs');
    }
    const given =
      publisher ?? (options.client === undefined ? undefined : () => Promise.resolve(options.client!));
    this.#ownsPublisher = given === undefined;
    // Checked now (a CacheUsageError names the field), used on first publish.
    const settings = given === undefined ? resolveRedisConnection(options) : undefined;
    this.#publisher =
      (given as (() => Promise<IoredisClient>) | undefined) ??
      (() => (this.#publisherClient ??= createRedisClient(settings!, () => {})));
  }

  /** Whether messages are being received now; the first call starts the subscriber (see the class comment). */
  get connected(): boolean {
    if (!this.#started) this.#start();
    return this.#subscribed && !this.#owesClear && !this.#closed;
  }

  publish(message: BusMessage): void {
    if (!this.#started) this.#start();
    if (this.#closed || this.#owesClear) return; // an owed clear covers it
    this.#send(message);
  }

  /** Registers a handler for messages from other instances; it also gets the sender's `instanceId`. */
  onMessage(handler: (message: BusMessage, sender: string) => void): void {
    this.#messageHandlers.push(handler);
  }

  onState(handler: (state: BusState) => void): void {
    this.#stateHandlers.push(handler);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#subscribed = false;
    this.#stopHeartbeat?.();
    this.#subscriber?.disconnect();
    this.#subscriber = undefined;
    if (!this.#ownsPublisher || this.#publisherClient === undefined) return;
    const client = await this.#publisherClient.catch(() => undefined);
    if (client?.status === 'ready') await client.quit().catch(() => client.disconnect());
    else client?.disconnect();
  }

  #start(): void {
    this.#started = true;
    if (!this.#closed) void this.#connect();
  }

  #send(message: BusMessage): void {
    const frame = encodeBusMessage(this.instanceId, message);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('PUBLISH timed out')), this.#timeoutMs);
      timer.unref();
    });
    const sent = this.#publisher().then((client) => client.publish(this.#channel, frame));
    Promise.race([sent, timeout])
      .finally(() => clearTimeout(timer))
      .then(
        () => {
          if (message.kind === 'clear' && this.#owesClear) {
            this.#owesClear = false;
            this.#report();
          }
        },
        () => this.#publishFailed(),
      );
  }

  #publishFailed(): void {
    if (this.#closed) return;
    this.#owesClear = true;
    this.#report();
    this.#later(() => this.#send({ kind: 'clear' }));
  }

  async #connect(): Promise<void> {
    let subscriber: Redis | undefined;
    try {
      subscriber = await createSubscriber(await this.#publisher());
    } catch {
      // ioredis missing or the backend closed: nothing to subscribe with; stay disconnected.
      return;
    }
    if (this.#closed) {
      subscriber?.disconnect();
      return;
    }
    if (subscriber === undefined) {
      this.#later(() => void this.#connect()); // a cluster whose masters are not known yet
      return;
    }
    this.#subscriber = subscriber;
    this.#stopHeartbeat?.();
    this.#stopHeartbeat = heartbeat(subscriber, this.#timeoutMs);
    this.#attempts = 0;
    subscriber.on('error', () => {});
    subscriber.on('messageBuffer', (_channel: Buffer, frame: Buffer) => this.#receive(frame));
    subscriber.on('ready', () => void this.#subscribe(subscriber));
    subscriber.on('close', () => this.#lost(subscriber));
    if (subscriber.status === 'ready') void this.#subscribe(subscriber);
  }

  async #subscribe(subscriber: Redis): Promise<void> {
    try {
      await subscriber.subscribe(this.#channel);
    } catch {
      return; // the socket closed again: `close` has reported it, `ready` will come back here
    }
    if (subscriber !== this.#subscriber || this.#closed) return;
    this.#attempts = 0;
    this.#subscribed = true;
    this.#report();
  }

  #lost(subscriber: Redis): void {
    if (subscriber !== this.#subscriber || this.#closed) return;
    this.#subscribed = false;
    this.#report();
    if (++this.#attempts < NODE_ATTEMPTS) return;
    void this.#publisher().then((client) => {
      if (!client.isCluster || subscriber !== this.#subscriber || this.#closed) return;
      // This master may be gone for good: pin another one.
      this.#subscriber = undefined;
      this.#stopHeartbeat?.();
      subscriber.disconnect();
      void this.#connect();
    });
  }

  #receive(frame: Buffer): void {
    const sender = busMessageSender(frame);
    if (sender === undefined || sender === this.instanceId) return;
    const decoded = decodeBusMessage(frame);
    if (decoded === undefined) return;
    for (const handler of this.#messageHandlers) {
      try {
        handler(decoded.message, decoded.sender);
      } catch {
        // A handler's bug must not stop the others, nor the subscriber connection.
      }
    }
  }

  /** Tells the handlers when `connected` changed since the last report. */
  #report(): void {
    const now = this.connected;
    if (now === this.#reported) return;
    this.#reported = now;
    const state: BusState = now ? 'connected' : 'disconnected';
    for (const handler of this.#stateHandlers) handler(state);
  }

  #later(run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#closed) run();
    }, RETRY_MS);
    timer.unref();
    this.#timers.add(timer);
  }
}
