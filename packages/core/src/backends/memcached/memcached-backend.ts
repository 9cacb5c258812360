import { performance } from 'node:perf_hooks';
import { CacheError, CacheUsageError } from '../../errors.js';
import { err, OK_VOID, ok, type Result } from '../../result.js';
import type { BackendCapabilities, BackendHealth, CacheBackend, TaggedRead } from '../../types/backend.js';
import type { BackendConnection } from '../../types/connection.js';
import { ClientSlot, toBuffer } from '../client-slot.js';
import { ConnectionWatch } from './connection-watch.js';
import { createMemjsClient, type MemjsClient, toMemcachedError } from './memcached-client.js';
import { memcachedExpiry, memcachedKey } from './memcached-keys.js';
import { memcachedGetTagged } from './memcached-tagged.js';
import { WriteBatching } from './write-batching.js';

/** Options of {@link MemcachedBackend}. */
export interface MemcachedBackendOptions {
  /** `host:port`, comma-separated or as a list. Default `127.0.0.1:11211`. */
  readonly servers?: string | readonly string[];
  /** An existing memjs `Client`; the backend never closes it. */
  readonly client?: MemjsClient;
  /**
   * The servers' item size limit (memcached `-I`), in bytes. Larger values fail with
   * `VALUE_TOO_LARGE` before anything is sent. Default 1 MiB, memcached's default.
   */
  readonly maxItemSize?: number;
  /** memjs per-operation timeout for clients the backend creates, in ms. Default 500. */
  readonly timeoutMs?: number;
  /** Retries after a failed operation, for clients the backend creates. Default 0 (fail fast). */
  readonly retries?: number;
}

/** Room for memcached's item header (and CAS) next to the key and value. */
const ITEM_OVERHEAD = 64;

/**
 * Memcached through memjs (binary protocol), one or several servers (keys are spread by
 * memjs's hash of the key, the same in every process).
 *
 * - Keys longer than 250 bytes or with spaces or control characters are hashed (see
 *   `memcachedKey`), keeping a readable prefix.
 * - Values over the item size fail with `VALUE_TOO_LARGE` before they are sent, so the entry
 *   already stored under that key stays (memcached itself would drop it).
 * - TTLs are whole seconds, rounded up; beyond 30 days they are sent as a unix time.
 * - `incr` uses memcached's counters: a decrement stops at 0.
 * - `deletePattern` fails with `NOT_SUPPORTED`: memcached cannot list its keys.
 * - No `locks`: the service uses the generic `add`-based lock (`AddLockProvider`).
 * - `getTagged`: the entry and its tags' versions in one round trip when the service knows the
 *   key's tag names (it remembers them per key), two otherwise (see `memcached-tagged.ts`).
 *
 * memjs is loaded on first use, so `@tagcache/core` does not need it unless you use memcached.
 */
export class MemcachedBackend implements CacheBackend {
  readonly name = 'memcached';
  readonly capabilities: BackendCapabilities;
  readonly #maxItemSize: number;
  readonly #serverCount: number;
  readonly #slot: ClientSlot<MemjsClient>;
  readonly #writes = new WriteBatching();
  readonly #watch = new ConnectionWatch();
  /** The client's connection state (see `connection-watch.ts`), which the circuit breaker follows. */
  readonly connection: BackendConnection = this.#watch.signal;

  constructor(options: MemcachedBackendOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new CacheUsageError('expected an options object', 'MemcachedBackend.options');
    }
    this.#maxItemSize = options.maxItemSize ?? 1024 * 1024;
    if (!Number.isInteger(this.#maxItemSize) || this.#maxItemSize <= 1024) {
      throw new CacheUsageError('expected an integer above 1024', 'MemcachedBackend.maxItemSize');
    }
    this.capabilities = {
      shared: true,
      deletePattern: false,
      maxValueSize: this.#maxItemSize - ITEM_OVERHEAD - 250,
    };
    if (options.client !== undefined) {
      this.#slot = new ClientSlot({ client: options.client }, this.name, this.#toError);
      this.#serverCount = options.client.servers.length;
      this.#watch.follow(options.client);
      return;
    }
    const servers = normalizeServers(options.servers ?? '127.0.0.1:11211');
    this.#serverCount = servers.split(',').length;
    const connect = (): Promise<MemjsClient> =>
      createMemjsClient({
        servers,
        timeoutMs: options.timeoutMs ?? 500,
        retries: options.retries ?? 0,
      }).then((client) => {
        this.#watch.follow(client);
        return client;
      });
    this.#slot = new ClientSlot({ connect }, this.name, this.#toError);
  }

  get(key: string): Promise<Result<Uint8Array | undefined>> {
    return this.#slot.run(key, (client) => client.get(memcachedKey(key)).then(replyValue));
  }

  getMany(keys: readonly string[]): Promise<Result<(Uint8Array | undefined)[]>> {
    if (keys.length === 0) return Promise.resolve(ok([]));
    // memjs has no multi-get; its requests to one server share one socket, so these are
    // written back to back without waiting for each other.
    return this.#slot.run(keys[0], (client) =>
      Promise.all(keys.map((key) => client.get(memcachedKey(key)).then(replyValue))),
    );
  }

  /** See `memcached-tagged.ts`: one round trip with a tag-name hint, two without. */
  getTagged(
    key: string,
    tagKeyPrefix: string,
    tagHint?: readonly string[],
  ): Promise<Result<TaggedRead | undefined>> {
    const client = this.#slot.current;
    if (client !== undefined) {
      // The hot path (a hit): one promise layer over memjs's, the turn's requests in one write.
      this.#writes.cork(client);
      try {
        return memcachedGetTagged(client, key, tagKeyPrefix, tagHint).then(ok, (error: unknown) =>
          err(this.#toError(error, key)),
        );
      } catch (error) {
        return Promise.resolve(err(this.#toError(error, key)));
      }
    }
    return this.#slot.run(key, (client) => memcachedGetTagged(client, key, tagKeyPrefix, tagHint));
  }

  set(key: string, value: Uint8Array, ttlMs?: number): Promise<Result<void>> {
    const tooLarge = this.#checkSize(key, value);
    if (tooLarge) return Promise.resolve(tooLarge);
    return this.#slot
      .run(key, async (client) => {
        await client.set(memcachedKey(key), toBuffer(value), { expires: memcachedExpiry(ttlMs) });
      })
      .then((result) => (result.ok ? OK_VOID : result));
  }

  add(key: string, value: Uint8Array, ttlMs?: number): Promise<Result<boolean>> {
    const tooLarge = this.#checkSize(key, value);
    if (tooLarge) return Promise.resolve(tooLarge);
    return this.#slot.run(key, (client) =>
      client.add(memcachedKey(key), toBuffer(value), { expires: memcachedExpiry(ttlMs) }),
    );
  }

  delete(key: string): Promise<Result<boolean>> {
    return this.#slot.run(key, (client) => client.delete(memcachedKey(key)));
  }

  async deletePattern(pattern: string): Promise<Result<number>> {
    return err(
      new CacheError(
        'NOT_SUPPORTED',
        'memcached cannot delete by pattern: it has no way to list or scan its keys. Use tags ' +
          '(invalidateTags) to drop groups of entries instead.',
        { key: pattern, backend: this.name },
      ),
    );
  }

  incr(key: string, by = 1, ttlMs?: number): Promise<Result<number>> {
    if (!Number.isSafeInteger(by) || Math.abs(by) > 0xffffffff) {
      return Promise.resolve(
        err(
          new CacheError('BACKEND', `incr step must be a 32-bit integer, got ${by}`, {
            key,
            backend: this.name,
          }),
        ),
      );
    }
    return this.#slot.run(key, async (client) => {
      const options = { initial: Math.max(0, by), expires: memcachedExpiry(ttlMs) };
      const reply =
        by >= 0
          ? await client.increment(memcachedKey(key), by, options)
          : await client.decrement(memcachedKey(key), -by, options);
      if (!reply.success || typeof reply.value !== 'number') throw new Error('counter update failed');
      return reply.value;
    });
  }

  /** Asks every server for its stats; the latency is the slowest server's answer. */
  health(): Promise<Result<BackendHealth>> {
    return this.#slot.run(undefined, async (client) => {
      const started = performance.now();
      const versions = await new Promise<string[]>((resolve, reject) => {
        const answers: string[] = [];
        let pending = this.#serverCount;
        client.stats((error, server, stats) => {
          if (error) return reject(error);
          answers.push(`${server} ${stats?.version ?? '?'}`);
          if (--pending === 0) resolve(answers);
        });
      });
      return { latencyMs: performance.now() - started, details: { servers: versions } };
    });
  }

  async close(): Promise<Result<void>> {
    this.#watch.stop();
    const client = await this.#slot.release();
    client?.close();
    return OK_VOID;
  }

  /** A memjs failure as a `CacheError`; a connection failure also marks the client disconnected. */
  readonly #toError = (error: unknown, key: string | undefined): CacheError => {
    const failure = toMemcachedError(error, key);
    if (failure.code === 'CONNECTION') this.#watch.lost();
    return failure;
  };

  #checkSize(key: string, value: Uint8Array): Result<never> | undefined {
    const room = this.#maxItemSize - ITEM_OVERHEAD - Buffer.byteLength(memcachedKey(key));
    if (value.byteLength <= room) return undefined;
    return err(
      new CacheError(
        'VALUE_TOO_LARGE',
        `value of ${value.byteLength} bytes exceeds memcached's item size (${this.#maxItemSize} bytes with key and header)`,
        { key, backend: this.name },
      ),
    );
  }
}

function normalizeServers(servers: string | readonly string[]): string {
  const list = (typeof servers === 'string' ? servers.split(',') : [...servers]).map((s) => s.trim());
  if (list.length === 0 || list.some((s) => !/^[^\s,]+:\d+$/.test(s))) {
    throw new CacheUsageError(
      `expected host:port entries, got ${JSON.stringify(servers)}`,
      'MemcachedBackend.servers',
    );
  }
  return list.join(',');
}

function replyValue(reply: { value: Buffer | null }): Buffer | undefined {
  return reply.value ?? undefined;
}
