import type { BusMessage, BusState, InvalidationBus } from '../tiers/bus-contract.js';

/**
 * An in-process {@link InvalidationBus} for tests: every bus made by one hub's
 * {@link LoopbackHub.connect} hears the others. Messages are delivered asynchronously (a
 * microtask later, as a copy, like a network bus would), only to buses connected at delivery
 * time; a disconnected bus loses what was published meanwhile, as with Redis pub/sub.
 */
export class LoopbackHub {
  readonly #members = new Set<LoopbackBus>();
  #pending = Promise.resolve();

  /** A new bus on this hub, connected. */
  connect(): LoopbackBus {
    const bus = new LoopbackBus(this);
    this.#members.add(bus);
    return bus;
  }

  /** Resolves once every message published so far has been delivered (or dropped). */
  settled(): Promise<void> {
    return this.#pending;
  }

  /** @internal Sends `message` from `from` to every other member. */
  send(from: LoopbackBus, message: BusMessage): void {
    const copy = JSON.parse(JSON.stringify(message)) as BusMessage;
    this.#pending = this.#pending.then(() => {
      for (const member of this.#members) if (member !== from) member.receive(copy);
    });
  }

  /** @internal */
  leave(bus: LoopbackBus): void {
    this.#members.delete(bus);
  }
}

/** One instance's end of a {@link LoopbackHub}; tests switch it off and on. */
export class LoopbackBus implements InvalidationBus {
  readonly #hub: LoopbackHub;
  readonly #messageHandlers: ((message: BusMessage) => void)[] = [];
  readonly #stateHandlers: ((state: BusState) => void)[] = [];
  #connected = true;
  #closed = false;
  /** Messages this bus published (for tests that count them). */
  readonly published: BusMessage[] = [];

  /** Use {@link LoopbackHub.connect}. */
  constructor(hub: LoopbackHub) {
    this.#hub = hub;
  }

  get connected(): boolean {
    return this.#connected;
  }

  publish(message: BusMessage): void {
    this.published.push(message);
    if (this.#connected) this.#hub.send(this, message);
  }

  onMessage(handler: (message: BusMessage) => void): void {
    this.#messageHandlers.push(handler);
  }

  onState(handler: (state: BusState) => void): void {
    this.#stateHandlers.push(handler);
  }

  /** Simulates a lost connection: nothing is received or sent until {@link reconnect}. */
  disconnect(): void {
    if (!this.#connected || this.#closed) return;
    this.#connected = false;
    for (const handler of this.#stateHandlers) handler('disconnected');
  }

  /** Simulates the connection coming back. */
  reconnect(): void {
    if (this.#connected || this.#closed) return;
    this.#connected = true;
    for (const handler of this.#stateHandlers) handler('connected');
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#connected = false;
    this.#hub.leave(this);
  }

  /** @internal Delivery from the hub. */
  receive(message: BusMessage): void {
    if (!this.#connected) return;
    for (const handler of this.#messageHandlers) handler(message);
  }
}
