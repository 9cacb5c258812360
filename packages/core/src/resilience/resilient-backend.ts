import { CacheError, type CacheErrorCode } from '../errors.js';
import { err, type Result } from '../result.js';
import type {
  BackendCapabilities,
  BackendHealth,
  CacheBackend,
  LockProvider,
  TaggedRead,
} from '../types/backend.js';
import { CircuitBreaker, type CircuitBreakerOptions, type CircuitState } from './circuit-breaker.js';
import { DeadlineQueue } from './deadline-queue.js';

/** Options of {@link ResilientBackend}. */
export interface ResilienceOptions {
  /** Longest a single operation may take, in ms, before it fails with `TIMEOUT`. Default 1,000. */
  readonly timeoutMs?: number;
  /** Circuit breaker settings, or `false` for none. */
  readonly circuitBreaker?: CircuitBreakerOptions | false;
}

/** Failures that say the backend is unwell (not that the caller asked for something odd). */
const TRIPPING: ReadonlySet<CacheErrorCode> = new Set(['CONNECTION', 'TIMEOUT', 'BACKEND']);

/**
 * Wraps any backend with an operation timeout and a circuit breaker. While the circuit is
 * open, calls fail fast with `CIRCUIT_OPEN` instead of waiting on a dead server.
 */
export class ResilientBackend implements CacheBackend {
  readonly name: string;
  readonly capabilities: BackendCapabilities;
  readonly locks: LockProvider | undefined;
  readonly getTagged: CacheBackend['getTagged'];
  readonly #inner: CacheBackend;
  readonly #timeoutMs: number;
  readonly #deadlines: DeadlineQueue;
  readonly #breaker: CircuitBreaker | undefined;

  constructor(inner: CacheBackend, options: ResilienceOptions = {}) {
    this.#inner = inner;
    this.name = inner.name;
    this.capabilities = inner.capabilities;
    this.#timeoutMs = options.timeoutMs ?? 1_000;
    this.#deadlines = new DeadlineQueue(this.#timeoutMs);
    this.#breaker = options.circuitBreaker === false ? undefined : new CircuitBreaker(options.circuitBreaker);
    this.locks =
      inner.locks && this.#breaker ? circuitAwareLocks(inner.locks, this.#breaker, this.name) : inner.locks;
    this.getTagged = inner.getTagged
      ? (key: string, prefix: string): Promise<Result<TaggedRead | undefined>> =>
          this.#guard(key, () => inner.getTagged!(key, prefix))
      : undefined;
  }

  /** The wrapped backend. */
  get inner(): CacheBackend {
    return this.#inner;
  }

  /** The circuit's state (`closed` when there is no breaker). */
  get circuit(): CircuitState {
    return this.#breaker?.state ?? 'closed';
  }

  get(key: string) {
    return this.#guard(key, () => this.#inner.get(key));
  }
  getMany(keys: readonly string[]) {
    return this.#guard(keys[0], () => this.#inner.getMany(keys));
  }
  set(key: string, value: Uint8Array, ttlMs?: number) {
    return this.#guard(key, () => this.#inner.set(key, value, ttlMs));
  }
  add(key: string, value: Uint8Array, ttlMs?: number) {
    return this.#guard(key, () => this.#inner.add(key, value, ttlMs));
  }
  delete(key: string) {
    return this.#guard(key, () => this.#inner.delete(key));
  }
  deletePattern(pattern: string) {
    return this.#guard(pattern, () => this.#inner.deletePattern(pattern));
  }
  incr(key: string, by?: number, ttlMs?: number) {
    return this.#guard(key, () => this.#inner.incr(key, by, ttlMs));
  }
  /** Health probes bypass the breaker (they are how an operator sees the backend) but not the timeout. */
  health(): Promise<Result<BackendHealth>> {
    return withTimeout(this.#inner.health(), this.#timeoutMs, this.name, undefined);
  }
  close() {
    return this.#inner.close();
  }

  async #guard<T>(key: string | undefined, operation: () => Promise<Result<T>>): Promise<Result<T>> {
    const breaker = this.#breaker;
    if (breaker && !breaker.tryPass()) {
      return err(
        new CacheError('CIRCUIT_OPEN', `circuit open for backend '${this.name}'`, {
          key,
          backend: this.name,
        }),
      );
    }
    const result = await withTimeout(operation(), this.#timeoutMs, this.name, key, this.#deadlines);
    if (breaker) {
      if (result.ok || !TRIPPING.has(result.error.code)) breaker.success();
      else breaker.failure();
    }
    return result;
  }
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
    const onTimeout = (): void =>
      resolve(
        err(
          new CacheError('TIMEOUT', `backend '${backend}' did not answer within ${ms} ms`, { key, backend }),
        ),
      );
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
