import { CacheError, type CacheErrorCode } from '../errors.js';
import { err, type Result } from '../result.js';
import type {
  BackendCapabilities,
  BackendHealth,
  CacheBackend,
  LockProvider,
  TaggedRead,
} from '../types/backend.js';
import type { BackendConnection } from '../types/connection.js';
import { asRead, boundedTaggedRead, type CallBound, offerBoundedTaggedRead } from './bounded-reads.js';
import { CircuitBreaker, type CircuitBreakerSettings, type CircuitState } from './circuit-breaker.js';
import { DeadlineQueue } from './deadline-queue.js';

/** Resolved settings of {@link ResilientBackend} (milliseconds); `CacheServiceOptions.resilience` is the user-facing form. */
export interface ResilienceSettings {
  /** Longest a single operation may take, in ms, before it fails with `TIMEOUT`. Default 1,000. */
  readonly timeoutMs?: number;
  /** Circuit breaker settings, or `false` for none. */
  readonly circuitBreaker?: CircuitBreakerSettings | false;
}

/** Failures that say the backend is unwell (not that the caller asked for something odd). */
const TRIPPING: ReadonlySet<CacheErrorCode> = new Set(['CONNECTION', 'TIMEOUT', 'BACKEND']);

/**
 * Wraps any backend with an operation timeout and a circuit breaker. While the circuit is
 * open, calls fail fast with `CIRCUIT_OPEN` instead of waiting on a dead server.
 *
 * With a backend that reports its connection (`CacheBackend.connection`), the breaker follows
 * the client: calls fail fast with `CONNECTION` while the client knows it is disconnected, and
 * an open circuit half-opens the moment the client reports `connected` again, so the first
 * hit comes one probe after the server is back, not after the cool-down. The cool-down stays
 * for what no client sees (timeouts, a slow server).
 */
export class ResilientBackend implements CacheBackend {
  readonly name: string;
  readonly capabilities: BackendCapabilities;
  readonly locks: LockProvider | undefined;
  readonly getTagged: CacheBackend['getTagged'];
  /** The inner backend's synchronous reads, if it is in-process (nothing there can time out). */
  readonly inProcess: CacheBackend['inProcess'];
  readonly peek: CacheBackend['peek'];
  readonly connection: BackendConnection | undefined;
  readonly #inner: CacheBackend;
  readonly #timeoutMs: number;
  readonly #deadlines: DeadlineQueue;
  readonly #breaker: CircuitBreaker | undefined;
  readonly #stopListening: (() => void) | undefined;
  /** The last failure the breaker counted, for `health()`'s reason. */
  #lastFailure: CacheError | undefined;

  constructor(inner: CacheBackend, options: ResilienceSettings = {}) {
    this.#inner = inner;
    this.name = inner.name;
    this.capabilities = inner.capabilities;
    this.inProcess = inner.capabilities.shared ? undefined : inner.inProcess;
    this.#timeoutMs = options.timeoutMs ?? 1_000;
    this.#deadlines = new DeadlineQueue(this.#timeoutMs);
    this.#breaker = options.circuitBreaker === false ? undefined : new CircuitBreaker(options.circuitBreaker);
    this.connection = inner.connection;
    const breaker = this.#breaker;
    this.#stopListening = inner.connection?.onChange((state) => {
      if (state === 'connected') breaker?.reconnected();
    });
    this.locks =
      inner.locks && this.#breaker ? circuitAwareLocks(inner.locks, this.#breaker, this.name) : inner.locks;
    const getTagged = inner.getTagged?.bind(inner);
    const bounded = boundedTaggedRead(inner);
    const bound = this.#bound();
    this.getTagged = getTagged
      ? (key: string, prefix: string, hint?: readonly string[]): Promise<Result<TaggedRead | undefined>> =>
          this.#pass(key) ??
          bounded?.(key, prefix, hint, bound, asRead()) ??
          this.#watch(getTagged(key, prefix, hint), key)
      : undefined;
    if (getTagged !== undefined && bounded !== undefined) {
      // The service's continued read: the inner backend's bounded read under this layer's bound.
      offerBoundedTaggedRead(this, (key, prefix, hint, _bound, next) => {
        const refused = this.#pass(key);
        if (refused !== undefined) return refused.then((result) => next.resume(result));
        return (
          bounded(key, prefix, hint, bound, next) ??
          this.#watch(getTagged(key, prefix, hint), key).then((result) => next.resume(result))
        );
      });
    }
    const peek = inner.peek?.bind(inner);
    this.peek = peek ? (key: string) => this.#pass(key) ?? this.#watch(peek(key), key) : undefined;
  }

  /** The wrapped backend. */
  get inner(): CacheBackend {
    return this.#inner;
  }

  /** The circuit's state (`closed` when there is no breaker). */
  get circuit(): CircuitState {
    return this.#breaker?.state ?? 'closed';
  }

  // Each call: the breaker's verdict, then the inner call watched for its deadline (no closure
  // per call: this is the hot path of every hit).
  get(key: string): Promise<Result<Uint8Array | undefined>> {
    return this.#pass(key) ?? this.#watch(this.#inner.get(key), key);
  }
  getMany(keys: readonly string[]): Promise<Result<(Uint8Array | undefined)[]>> {
    return this.#pass(keys[0]) ?? this.#watch(this.#inner.getMany(keys), keys[0]);
  }
  set(key: string, value: Uint8Array, ttlMs?: number): Promise<Result<void>> {
    return this.#pass(key) ?? this.#watch(this.#inner.set(key, value, ttlMs), key);
  }
  add(key: string, value: Uint8Array, ttlMs?: number): Promise<Result<boolean>> {
    return this.#pass(key) ?? this.#watch(this.#inner.add(key, value, ttlMs), key);
  }
  delete(key: string): Promise<Result<boolean>> {
    return this.#pass(key) ?? this.#watch(this.#inner.delete(key), key);
  }
  deletePattern(pattern: string): Promise<Result<number>> {
    return this.#pass(pattern) ?? this.#watch(this.#inner.deletePattern(pattern), pattern);
  }
  incr(key: string, by?: number, ttlMs?: number): Promise<Result<number>> {
    return this.#pass(key) ?? this.#watch(this.#inner.incr(key, by, ttlMs), key);
  }
  /**
   * Health probes bypass the breaker (they are how an operator sees the backend) but not the
   * timeout, and the breaker hears their outcome like any call's: a probe that answers closes
   * the circuit, one that fails counts as a failure. So a health report and the circuit it
   * shows never disagree.
   */
  health(): Promise<Result<BackendHealth>> {
    return withTimeout(this.#inner.health(), this.#timeoutMs, this.name, undefined).then((result) => {
      if (this.#breaker !== undefined) this.#record(this.#breaker, result);
      return result;
    });
  }
  close() {
    this.#stopListening?.();
    return this.#inner.close();
  }

  /**
   * Why calls are refused or failing, in words for a health report (never credentials: the
   * messages are the backend's own, which name host and port only); `undefined` when the
   * circuit is closed and the client does not report itself disconnected.
   */
  unhealthyReason(): string | undefined {
    const last = this.#lastFailure === undefined ? '' : `; last failure: ${this.#lastFailure.message}`;
    const circuit = this.circuit;
    if (circuit !== 'closed') {
      return `circuit ${circuit} after ${this.#breaker?.failures ?? 0} consecutive failures${last}`;
    }
    if (this.connection?.state === 'disconnected') return `client disconnected${last}`;
    return undefined;
  }
  /** The inner backend's description (see `CacheBackend.describe`), or its name. */
  describe(): string {
    return this.#inner.describe?.() ?? this.#inner.name;
  }

  /**
   * `undefined` when the call may go ahead; a `CIRCUIT_OPEN` failure when the circuit is open;
   * a `CONNECTION` failure (counted by the breaker) while the client reports itself disconnected.
   */
  #pass(key: string | undefined): Promise<Result<never>> | undefined {
    const breaker = this.#breaker;
    if (breaker !== undefined && !breaker.tryPass()) {
      return Promise.resolve(
        err(
          new CacheError('CIRCUIT_OPEN', `circuit open for backend '${this.name}'`, {
            key,
            backend: this.name,
          }),
        ),
      );
    }
    if (this.connection?.state !== 'disconnected') return undefined;
    const error = new CacheError(
      'CONNECTION',
      `${this.describe()}: disconnected (failing fast until the client reconnects)`,
      { key, backend: this.name },
    );
    if (breaker !== undefined) this.#record(breaker, err(error));
    return Promise.resolve(err(error));
  }

  /** This layer's terms for a backend that bounds a call itself (see `bounded-reads.ts`): what {@link #watch} does. */
  #bound(): CallBound {
    const breaker = this.#breaker;
    const backend = this.name;
    const ms = this.#timeoutMs;
    return {
      deadlines: this.#deadlines,
      timedOut: (key) => {
        const timeout = err(timeoutError(backend, ms, key));
        if (breaker !== undefined) this.#record(breaker, timeout);
        return timeout;
      },
      settled: (result) => {
        if (breaker !== undefined) this.#record(breaker, result);
      },
    };
  }

  #record<T>(breaker: CircuitBreaker, result: Result<T>): void {
    if (result.ok || !TRIPPING.has(result.error.code)) {
      breaker.success();
      return;
    }
    this.#lastFailure = result.error;
    breaker.failure();
  }

  /**
   * Bounds a started call by the timeout and tells the breaker how it went: the call's result
   * or a `TIMEOUT`, whichever comes first (one promise: this is on the path of every hit).
   */
  #watch<T>(operation: Promise<Result<T>>, key: string | undefined): Promise<Result<T>> {
    const breaker = this.#breaker;
    const ms = this.#timeoutMs;
    const backend = this.name;
    const deadlines = this.#deadlines;
    return new Promise((resolve) => {
      const pending = deadlines.add(() => {
        const timeout = err(timeoutError(backend, ms, key));
        if (breaker !== undefined) this.#record(breaker, timeout);
        resolve(timeout);
      });
      const settle = (result: Result<T>): void => {
        if (pending.settled) return; // timed out already
        pending.settled = true;
        if (breaker !== undefined) this.#record(breaker, result);
        resolve(result);
      };
      operation.then(settle, (error: unknown) =>
        // Backends must not reject; if one does, it is still a value here.
        settle(err(CacheError.from(error, 'BACKEND', { key, backend }))),
      );
    });
  }
}

function timeoutError(backend: string, ms: number, key: string | undefined): CacheError {
  return new CacheError('TIMEOUT', `backend '${backend}' did not answer within ${ms} ms`, { key, backend });
}

/**
 * A backend's own lock provider (Redis) talks to the server directly, outside the guarded
 * operations: while the circuit is open, `acquire` fails fast with `CIRCUIT_OPEN` instead of
 * waiting out the lock timeout on a server known to be down or slow (the caller then loads
 * without the lock, as for any lock failure). It never takes the half-open probe.
 */
function circuitAwareLocks(locks: LockProvider, breaker: CircuitBreaker, backend: string): LockProvider {
  return {
    acquire: (key, ttlMs) =>
      breaker.state === 'open'
        ? Promise.resolve(
            err(new CacheError('CIRCUIT_OPEN', `circuit open for backend '${backend}'`, { key, backend })),
          )
        : locks.acquire(key, ttlMs),
    waitForRelease: (key, timeoutMs) => locks.waitForRelease(key, timeoutMs),
  };
}

/**
 * Resolves with the operation's result, or with a `TIMEOUT` error after `ms`. With a
 * `queue` (whose duration must be `ms`), one shared timer serves every pending operation.
 */
export function withTimeout<T>(
  operation: Promise<Result<T>>,
  ms: number,
  backend: string,
  key: string | undefined,
  queue?: DeadlineQueue,
): Promise<Result<T>> {
  return new Promise((resolve) => {
    const onTimeout = (): void => resolve(err(timeoutError(backend, ms, key)));
    let settle: () => void;
    if (queue) {
      const pending = queue.add(onTimeout);
      settle = () => {
        pending.settled = true;
      };
    } else {
      const timer = setTimeout(onTimeout, ms);
      settle = () => clearTimeout(timer);
    }
    operation.then(
      (result) => {
        settle();
        resolve(result);
      },
      (error: unknown) => {
        // Backends must not reject; if one does, it is still a value here.
        settle();
        resolve(err(CacheError.from(error, 'BACKEND', { key, backend })));
      },
    );
  });
}
