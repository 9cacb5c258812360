import { CacheError, CacheUsageError } from '../errors.js';
import { globToRegExp } from '../keys/glob.js';
import { err, OK_VOID, ok, type Result } from '../result.js';
import {
  type BackendCapabilities,
  type BackendHealth,
  type CacheBackend,
  INTERNAL_KEY_PREFIX,
} from '../types/backend.js';

/** Options of {@link MemoryBackend}. */
export interface MemoryBackendOptions {
  /** Most entries kept; the least recently used go first. Default 10,000. */
  readonly maxEntries?: number;
  /** Most bytes kept (values plus keys); the least recently used go first. Default 64 MiB. */
  readonly maxBytes?: number;
  /** Largest single value accepted, in bytes; larger ones fail with `VALUE_TOO_LARGE`. Default `maxBytes`. */
  readonly maxEntrySize?: number;
}

interface Slot {
  value: Uint8Array;
  /** Epoch ms; 0 = never. */
  expiresAt: number;
  size: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * In-process backend: an LRU bounded by entry count and by bytes. Expiry is checked when a
 * key is read or when room is needed; there is no timer per key.
 */
export class MemoryBackend implements CacheBackend {
  readonly name = 'memory';
  readonly capabilities: BackendCapabilities;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #maxEntrySize: number;
  /** Map order is recency order: the first key is the least recently used. */
  readonly #slots = new Map<string, Slot>();
  #bytes = 0;

  constructor(options: MemoryBackendOptions = {}) {
    this.#maxEntries = positiveInteger(options.maxEntries ?? 10_000, 'maxEntries');
    this.#maxBytes = positiveInteger(options.maxBytes ?? 64 * 1024 * 1024, 'maxBytes');
    this.#maxEntrySize = positiveInteger(options.maxEntrySize ?? this.#maxBytes, 'maxEntrySize');
    this.capabilities = { shared: false, deletePattern: true, maxValueSize: this.#maxEntrySize };
  }

  /** Number of entries held (expired ones included until they are noticed). */
  get size(): number {
    return this.#slots.size;
  }

  /** Bytes held (values plus keys). */
  get bytes(): number {
    return this.#bytes;
  }

  async get(key: string): Promise<Result<Uint8Array | undefined>> {
    return ok(this.#read(key));
  }

  async getMany(keys: readonly string[]): Promise<Result<(Uint8Array | undefined)[]>> {
    return ok(keys.map((key) => this.#read(key)));
  }

  async set(key: string, value: Uint8Array, ttlMs?: number): Promise<Result<void>> {
    const size = value.byteLength + key.length;
    if (size > this.#maxEntrySize) {
      return err(
        new CacheError(
          'VALUE_TOO_LARGE',
          `value of ${value.byteLength} bytes exceeds maxEntrySize ${this.#maxEntrySize}`,
          {
            key,
            backend: this.name,
          },
        ),
      );
    }
    this.#remove(key);
    this.#slots.set(key, { value, expiresAt: expiry(ttlMs), size });
    this.#bytes += size;
    this.#evict();
    return OK_VOID;
  }

  async add(key: string, value: Uint8Array, ttlMs?: number): Promise<Result<boolean>> {
    if (this.#read(key) !== undefined) return ok(false);
    const stored = await this.set(key, value, ttlMs);
    return stored.ok ? ok(true) : stored;
  }

  async delete(key: string): Promise<Result<boolean>> {
    const slot = this.#slots.get(key);
    const existed = slot !== undefined && !isExpired(slot, Date.now());
    this.#remove(key);
    return ok(existed);
  }

  async deletePattern(pattern: string): Promise<Result<number>> {
    const regexp = globToRegExp(pattern);
    const now = Date.now();
    let removed = 0;
    for (const [key, slot] of this.#slots) {
      if (key.startsWith(INTERNAL_KEY_PREFIX) || !regexp.test(key)) continue;
      if (!isExpired(slot, now)) removed++;
      this.#remove(key);
    }
    return ok(removed);
  }

  async incr(key: string, by = 1, ttlMs?: number): Promise<Result<number>> {
    const current = this.#read(key);
    const base = current === undefined ? 0 : Number(decoder.decode(current));
    if (!Number.isSafeInteger(base)) {
      return err(new CacheError('BACKEND', 'value is not an integer', { key, backend: this.name }));
    }
    const next = base + by;
    const slot = this.#slots.get(key);
    // An existing counter keeps its expiry, as INCR does in Redis.
    const remaining =
      current !== undefined && slot && slot.expiresAt > 0 ? slot.expiresAt - Date.now() : ttlMs;
    const stored = await this.set(key, encoder.encode(String(next)), remaining);
    return stored.ok ? ok(next) : stored;
  }

  async health(): Promise<Result<BackendHealth>> {
    return ok({ latencyMs: 0, details: { entries: this.#slots.size, bytes: this.#bytes } });
  }

  async close(): Promise<Result<void>> {
    this.#slots.clear();
    this.#bytes = 0;
    return OK_VOID;
  }

  #read(key: string): Uint8Array | undefined {
    const slot = this.#slots.get(key);
    if (slot === undefined) return undefined;
    if (isExpired(slot, Date.now())) {
      this.#remove(key);
      return undefined;
    }
    // Move to the most recently used end.
    this.#slots.delete(key);
    this.#slots.set(key, slot);
    return slot.value;
  }

  #remove(key: string): void {
    const slot = this.#slots.get(key);
    if (slot === undefined) return;
    this.#slots.delete(key);
    this.#bytes -= slot.size;
  }

  #evict(): void {
    while (this.#slots.size > this.#maxEntries || this.#bytes > this.#maxBytes) {
      const oldest = this.#slots.keys().next();
      if (oldest.done) return;
      this.#remove(oldest.value);
    }
  }
}

function expiry(ttlMs: number | undefined): number {
  return ttlMs === undefined || ttlMs <= 0 || !Number.isFinite(ttlMs) ? 0 : Date.now() + ttlMs;
}

function isExpired(slot: Slot, now: number): boolean {
  return slot.expiresAt !== 0 && slot.expiresAt <= now;
}

function positiveInteger(value: number, field: string): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new CacheUsageError(`expected a positive integer, got ${String(value)}`, `MemoryBackend.${field}`);
  }
  return value;
}
