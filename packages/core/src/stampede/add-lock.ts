import { randomBytes } from 'node:crypto';
import { ok, type Result } from '../result.js';
import type { CacheBackend, Lock, LockProvider } from '../types/backend.js';

/** Options of {@link AddLockProvider}. */
export interface AddLockOptions {
  /** Base interval between checks while waiting, in ms (jittered ±50%). Default 50. */
  readonly pollIntervalMs?: number;
}

/**
 * A lock for any backend with an atomic `add` (memcached, or Redis without its own provider):
 * acquire = `add(key, token, ttl)`; release and extend compare the token first. The compare
 * and the delete are two steps, so release is best effort: a lock that expired and was taken
 * by another owner in between can be deleted. For a cache fill that costs one extra load at
 * worst (the value loaded is the same), which is why it is acceptable here.
 */
export class AddLockProvider implements LockProvider {
  readonly #backend: CacheBackend;
  readonly #pollIntervalMs: number;

  constructor(backend: CacheBackend, options: AddLockOptions = {}) {
    this.#backend = backend;
    this.#pollIntervalMs = options.pollIntervalMs ?? 50;
  }

  async acquire(key: string, ttlMs: number): Promise<Result<Lock | undefined>> {
    const token = randomBytes(12);
    const added = await this.#backend.add(key, token, ttlMs);
    if (!added.ok) return added;
    return ok(added.value ? new AddLock(this.#backend, key, token) : undefined);
  }

  async waitForRelease(key: string, timeoutMs: number): Promise<void> {
    const delay = Math.min(timeoutMs, this.#pollIntervalMs * (0.5 + Math.random()));
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, delay)));
    void key;
  }
}

class AddLock implements Lock {
  constructor(
    private readonly backend: CacheBackend,
    private readonly key: string,
    private readonly token: Uint8Array,
  ) {}

  async release(): Promise<Result<boolean>> {
    if (!(await this.#owned())) return ok(false);
    return this.backend.delete(this.key);
  }

  async extend(ttlMs: number): Promise<Result<boolean>> {
    if (!(await this.#owned())) return ok(false);
    const stored = await this.backend.set(this.key, this.token, ttlMs);
    return stored.ok ? ok(true) : stored;
  }

  async #owned(): Promise<boolean> {
    const current = await this.backend.get(this.key);
    return current.ok && current.value !== undefined && Buffer.compare(current.value, this.token) === 0;
  }
}
