import { CacheError } from '../errors.js';
import { err, type Result } from '../result.js';
import type { BackendCapabilities, CacheBackend, LockProvider, TaggedRead } from '../types/backend.js';

/** What a {@link ChaosBackend} does with the next calls. */
export type ChaosMode = 'pass' | 'fail' | 'hang';

type Method =
  | 'get'
  | 'getMany'
  | 'set'
  | 'add'
  | 'delete'
  | 'deletePattern'
  | 'incr'
  | 'health'
  | 'close'
  | 'getTagged';

/**
 * Wraps a real backend to inject faults and count calls: `fail` answers `CONNECTION` errors,
 * `hang` never answers (until switched back), `pass` forwards. Counting proves cost claims
 * (e.g. O(1) invalidation) without timing anything.
 */
export class ChaosBackend implements CacheBackend {
  readonly name: string;
  readonly capabilities: BackendCapabilities;
  readonly locks: LockProvider | undefined;
  readonly getTagged: CacheBackend['getTagged'];
  /** Calls per method since the last {@link resetCounts}. */
  readonly calls: Record<Method, number> = emptyCounts();
  mode: ChaosMode = 'pass';
  readonly #inner: CacheBackend;
  readonly #hung = new Set<() => void>();

  constructor(inner: CacheBackend, capabilities: Partial<BackendCapabilities> = {}) {
    this.#inner = inner;
    this.name = inner.name;
    this.capabilities = { ...inner.capabilities, ...capabilities };
    this.locks = inner.locks;
    this.getTagged = inner.getTagged
      ? (key: string, prefix: string): Promise<Result<TaggedRead | undefined>> =>
          this.#run('getTagged', key, () => inner.getTagged!(key, prefix))
      : undefined;
  }

  /** Total calls of every method. */
  get totalCalls(): number {
    return Object.values(this.calls).reduce((a, b) => a + b, 0);
  }

  resetCounts(): void {
    Object.assign(this.calls, emptyCounts());
  }

  /** Sets the mode; leaving `hang` lets every hung call go on. */
  setMode(mode: ChaosMode): void {
    this.mode = mode;
    if (mode !== 'hang') {
      for (const release of this.#hung) release();
      this.#hung.clear();
    }
  }

  get(key: string) {
    return this.#run('get', key, () => this.#inner.get(key));
  }
  getMany(keys: readonly string[]) {
    return this.#run('getMany', keys[0], () => this.#inner.getMany(keys));
  }
  set(key: string, value: Uint8Array, ttlMs?: number) {
    return this.#run('set', key, () => this.#inner.set(key, value, ttlMs));
  }
  add(key: string, value: Uint8Array, ttlMs?: number) {
    return this.#run('add', key, () => this.#inner.add(key, value, ttlMs));
  }
  delete(key: string) {
    return this.#run('delete', key, () => this.#inner.delete(key));
  }
  deletePattern(pattern: string) {
    return this.#run('deletePattern', pattern, () => this.#inner.deletePattern(pattern));
  }
  incr(key: string, by?: number, ttlMs?: number) {
    return this.#run('incr', key, () => this.#inner.incr(key, by, ttlMs));
  }
  health() {
    return this.#run('health', undefined, () => this.#inner.health());
  }
  close() {
    this.calls.close++;
    this.setMode('pass');
    return this.#inner.close();
  }

  async #run<T>(
    method: Method,
    key: string | undefined,
    forward: () => Promise<Result<T>>,
  ): Promise<Result<T>> {
    this.calls[method]++;
    if (this.mode === 'hang') {
      await new Promise<void>((resolve) => this.#hung.add(resolve));
    }
    if (this.mode === 'fail') {
      return err(
        new CacheError('CONNECTION', `chaos: ${method} failed on purpose`, { key, backend: this.name }),
      );
    }
    return forward();
  }
}

function emptyCounts(): Record<Method, number> {
  return {
    get: 0,
    getMany: 0,
    set: 0,
    add: 0,
    delete: 0,
    deletePattern: 0,
    incr: 0,
    health: 0,
    close: 0,
    getTagged: 0,
  };
}
