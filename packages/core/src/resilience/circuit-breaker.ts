/** States of a {@link CircuitBreaker}. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** Settings of {@link CircuitBreaker} (milliseconds). */
export interface CircuitBreakerSettings {
  /** Consecutive failures that open the circuit. Default 5. */
  readonly failureThreshold?: number;
  /** How long the circuit stays open before one probe is let through, in ms. Default 10,000. */
  readonly cooldownMs?: number;
  /** Called on every state change. */
  readonly onStateChange?: (state: CircuitState, previous: CircuitState) => void;
}

/**
 * Counts consecutive failures. After `failureThreshold` the circuit opens and calls fail fast;
 * it half-opens and lets one probe through as soon as the client reports its connection back
 * ({@link CircuitBreaker.reconnected}), or after `cooldownMs` for failures no client sees
 * (timeouts, a slow server): success closes it, failure opens it again for another cool-down.
 */
export class CircuitBreaker {
  readonly #threshold: number;
  readonly #cooldownMs: number;
  readonly #onStateChange: ((state: CircuitState, previous: CircuitState) => void) | undefined;
  #state: CircuitState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #probeInFlight = false;

  constructor(options: CircuitBreakerSettings = {}) {
    this.#threshold = options.failureThreshold ?? 5;
    this.#cooldownMs = options.cooldownMs ?? 10_000;
    this.#onStateChange = options.onStateChange;
  }

  get state(): CircuitState {
    return this.#state;
  }

  /** Consecutive failures recorded since the last success. */
  get failures(): number {
    return this.#failures;
  }

  /**
   * The client reports its connection back: an open circuit half-opens at once (the next call
   * is the probe) instead of waiting out the cool-down. Closed or half-open: nothing changes.
   */
  reconnected(): void {
    if (this.#state !== 'open') return;
    this.#probeInFlight = false;
    this.#transition('half-open');
  }

  /** Whether a call may go to the backend now. In half-open state only one probe at a time may. */
  tryPass(): boolean {
    if (this.#state === 'closed') return true;
    if (this.#state === 'open') {
      if (Date.now() - this.#openedAt < this.#cooldownMs) return false;
      this.#transition('half-open');
    }
    if (this.#probeInFlight) return false;
    this.#probeInFlight = true;
    return true;
  }

  /** Records a call that reached the backend and succeeded. */
  success(): void {
    this.#failures = 0;
    this.#probeInFlight = false;
    if (this.#state !== 'closed') this.#transition('closed');
  }

  /** Records a call that failed for a reason the backend is to blame for. */
  failure(): void {
    this.#probeInFlight = false;
    this.#failures++;
    if (this.#state === 'half-open' || (this.#state === 'closed' && this.#failures >= this.#threshold)) {
      this.#openedAt = Date.now();
      this.#transition('open');
    }
  }

  #transition(next: CircuitState): void {
    const previous = this.#state;
    this.#state = next;
    this.#onStateChange?.(next, previous);
  }
}
