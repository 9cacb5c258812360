import { CacheError, CacheUsageError } from '../errors.js';
import { err, OK_VOID, ok, type Result } from '../result.js';
import { SlotStore } from '../tiers/slot-store.js';
import {
  type BackendCapabilities,
  type BackendHealth,
  type CacheBackend,
  INTERNAL_KEY_PREFIX,
  type InProcessReads,
  type StoredBytes,
} from '../types/backend.js';

/** Options of {@link MemoryBackend}. */
export interface MemoryBackendOptions {
  /** Most entries kept; the least recently used go first. Default 10,000. */
  readonly maxEntries?: number;
  /** Most bytes kept (values plus keys); the least recently used go first. Default 64 MiB. */
  readonly maxBytes?: number;
  /** Largest single entry accepted, in bytes; larger ones fail with `VALUE_TOO_LARGE`. Default `maxBytes`. */
  readonly maxEntrySize?: number;
  /**
   * Most service records kept (tag versions, locks: the `__tc:` keys), in an LRU of their own
   * so that a flood of entries cannot evict them. Default `max(maxEntries, 10,000)`.
   */
  readonly maxRecords?: number;
  /**
   * Most bytes the service records take (keys plus values), so that tags fed by requests
   * (`search:{query.q}`) cannot grow them without bound. Default `maxBytes / 8`. One entry may
   * carry at most a quarter of `maxRecords` tags whose records take at most a quarter of
   * `maxRecordBytes`; the service refuses to store one with more (see `tagLimit`).
   */
  readonly maxRecordBytes?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** One entry's tags may take at most 1/TAG_SHARE of the record store (count and bytes). */
const TAG_SHARE = 4;

/**
 * In-process backend: an LRU ({@link SlotStore}) bounded by entry count and by bytes. Expiry is
 * checked when a key is read or when room is needed; there is no timer per key. The service's
 * own records (tag versions, locks) live in a second, separately bounded LRU: entries compete
 * for room with entries only, and an entry with many tags cannot push out its own tags.
 *
 * Besides the byte interface every backend has, it lets the service read synchronously
 * ({@link MemoryBackend.inProcess}): a hit is then answered without a promise per layer, from
 * the entry's header and value decoded once and kept beside its bytes.
 */
export class MemoryBackend implements CacheBackend {
  readonly name = 'memory';
  readonly capabilities: BackendCapabilities;
  /** Synchronous reads for the service (see {@link InProcessReads}). */
  readonly inProcess: InProcessReads;
  readonly #maxEntrySize: number;
  readonly #lru: SlotStore<StoredBytes>;
  readonly #records: SlotStore<StoredBytes>;

  constructor(options: MemoryBackendOptions = {}) {
    const maxEntries = positiveInteger(options.maxEntries ?? 10_000, 'maxEntries');
    const maxBytes = positiveInteger(options.maxBytes ?? 64 * 1024 * 1024, 'maxBytes');
    this.#maxEntrySize = Math.min(
      positiveInteger(options.maxEntrySize ?? maxBytes, 'maxEntrySize'),
      maxBytes,
    );
    this.#lru = new SlotStore({ maxEntries, maxBytes });
    const maxRecords = positiveInteger(options.maxRecords ?? Math.max(maxEntries, 10_000), 'maxRecords');
    const maxRecordBytes = positiveInteger(
      options.maxRecordBytes ?? Math.max(1, Math.floor(maxBytes / 8)),
      'maxRecordBytes',
    );
    this.#records = new SlotStore({ maxEntries: maxRecords, maxBytes: maxRecordBytes });
    const records = this.#records;
    this.inProcess = { peek: (key) => this.#store(key).get(key), recordChanges: () => records.changes };
    this.capabilities = {
      shared: false,
      deletePattern: true,
      maxValueSize: this.#maxEntrySize,
      // A quarter of the record store: an entry's tags can never evict more than that.
      tagLimit: {
        count: Math.max(1, Math.floor(maxRecords / TAG_SHARE)),
        bytes: Math.max(1, Math.floor(maxRecordBytes / TAG_SHARE)),
      },
    };
  }

  /** Number of entries held (expired ones included until they are noticed); records not counted. */
  get size(): number {
    return this.#lru.size;
  }

  /** Bytes held by entries (values plus keys); records not counted. */
  get bytes(): number {
    return this.#lru.bytes;
  }

  /** Number of service records held (tag versions, locks). */
  get records(): number {
    return this.#records.size;
  }

  /** Bytes held by service records (keys plus values). */
  get recordBytes(): number {
    return this.#records.bytes;
  }

  async get(key: string): Promise<Result<Uint8Array | undefined>> {
    return ok(this.#store(key).get(key)?.bytes);
  }

  /** Like `get`, without moving the entry in the LRU (see `CacheBackend.peek`). */
  async peek(key: string): Promise<Result<Uint8Array | undefined>> {
    return ok(this.#store(key).peek(key)?.bytes);
  }

  async getMany(keys: readonly string[]): Promise<Result<(Uint8Array | undefined)[]>> {
    const values: (Uint8Array | undefined)[] = new Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      values[i] = this.#store(key).get(key)?.bytes;
    }
    return ok(values);
  }

  async set(key: string, value: Uint8Array, ttlMs?: number): Promise<Result<void>> {
    const tooLarge = this.#checkSize(key, value);
    if (tooLarge) return tooLarge;
    this.#store(key).set(key, slot(value), ttlMs);
    return OK_VOID;
  }

  async add(key: string, value: Uint8Array, ttlMs?: number): Promise<Result<boolean>> {
    const store = this.#store(key);
    if (store.has(key)) return ok(false);
    const tooLarge = this.#checkSize(key, value);
    if (tooLarge) return tooLarge;
    store.set(key, slot(value), ttlMs);
    return ok(true);
  }

  async delete(key: string): Promise<Result<boolean>> {
    return ok(this.#store(key).delete(key));
  }

  async deletePattern(pattern: string): Promise<Result<number>> {
    // Linear-time matcher, no regex (keys/glob.ts). Records live in their own LRU, so patterns
    // never reach them.
    return ok(this.#lru.deletePattern(pattern));
  }

  async incr(key: string, by = 1, ttlMs?: number): Promise<Result<number>> {
    const store = this.#store(key);
    const current = store.get(key)?.bytes;
    const base = current === undefined ? 0 : Number(decoder.decode(current));
    if (!Number.isSafeInteger(base)) {
      return err(new CacheError('BACKEND', 'value is not an integer', { key, backend: this.name }));
    }
    const next = base + by;
    // An existing counter keeps its expiry, as INCR does in Redis.
    if (current === undefined) store.set(key, slot(encoder.encode(String(next))), ttlMs);
    else store.replace(key, slot(encoder.encode(String(next))));
    return ok(next);
  }

  async health(): Promise<Result<BackendHealth>> {
    const details = {
      entries: this.#lru.size,
      bytes: this.#lru.bytes,
      records: this.#records.size,
      recordBytes: this.#records.bytes,
    };
    return ok({ latencyMs: 0, details });
  }

  async close(): Promise<Result<void>> {
    this.#lru.clear();
    this.#records.clear();
    return OK_VOID;
  }

  /** Entries and the service's records are kept apart (see the class comment). */
  #store(key: string): SlotStore<StoredBytes> {
    return key.startsWith(INTERNAL_KEY_PREFIX) ? this.#records : this.#lru;
  }

  #checkSize(key: string, value: Uint8Array): Result<never> | undefined {
    if (entrySize(key, value) <= this.#maxEntrySize) return undefined;
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
}

function entrySize(key: string, value: Uint8Array): number {
  return value.byteLength + key.length;
}

function slot(bytes: Uint8Array): StoredBytes {
  return { bytes, size: bytes.byteLength };
}

function positiveInteger(value: number, field: string): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new CacheUsageError(`expected a positive integer, got ${String(value)}`, `MemoryBackend.${field}`);
  }
  return value;
}
