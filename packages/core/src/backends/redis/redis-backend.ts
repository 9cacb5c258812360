import { performance } from 'node:perf_hooks';
import type { Cluster, Redis } from 'ioredis';
import { CacheError, CacheUsageError } from '../../errors.js';
import { globToRedisPattern } from '../../keys/glob.js';
import { asRead, type BoundedTaggedRead, offerBoundedTaggedRead } from '../../resilience/bounded-reads.js';
import { err, OK_VOID, ok, type Result } from '../../result.js';
import type { InvalidationBus } from '../../tiers/bus-contract.js';
import { RedisBus } from '../../tiers/redis-bus.js';
import type {
  BackendCapabilities,
  BackendHealth,
  CacheBackend,
  LockProvider,
  TaggedRead,
} from '../../types/backend.js';
import type { BackendConnection } from '../../types/connection.js';
import { ClientSlot, toBuffer } from '../client-slot.js';
import { ConnectionSignal } from '../connection-signal.js';
import { clusterGetMany, clusterGetTagged, deleteMatching, scanTargets } from './cluster.js';
import { followConnection, reviveWhenEnded } from './connection-events.js';
import { batchedHintedRead, hintedRead, TagKeys } from './hinted-read.js';
import { GET_TAGGED_SCRIPT, INCR_SCRIPT, LuaScript } from './lua-scripts.js';
import { MgetBatcher } from './mget-batcher.js';
import { createRedisClient, type IoredisClient } from './redis-client.js';
import { resolveRedisConnection } from './redis-connection.js';
import { toRedisError, withConnectionCause } from './redis-errors.js';
import { type RedisLockOptions, RedisLockProvider } from './redis-lock.js';
import type { RedisClient, RedisConnectionOptions } from './redis-types.js';

/** Options of {@link RedisBackend}: a client to use, or how to create one. */
export interface RedisBackendOptions extends RedisConnectionOptions {
  /**
   * An existing ioredis `Redis` or `Cluster`. The backend uses it as configured (offline queue,
   * retries) and never closes it: its owner does.
   */
  readonly client?: RedisClient;
  /** Keys asked per SCAN step, and so the UNLINK batch size, in `deletePattern`. Default 500. */
  readonly scanCount?: number;
  /** Settings of the fleet-wide stampede lock. */
  readonly lock?: RedisLockOptions;
}

const getTaggedScript = new LuaScript(GET_TAGGED_SCRIPT);
const incrScript = new LuaScript(INCR_SCRIPT);

/**
 * Redis (single node or Cluster) through ioredis.
 *
 * - A tagged read with a tag-name hint (the service keeps the names it last saw per key) is
 *   one round trip without Lua: the entry and tag keys in the turn's batched MGET on a single
 *   node, per-slot `GET`s sent together on a cluster (see `hinted-read.ts`).
 * - Without a hint, a tagged read is one round trip on a single node (a Lua script reads the
 *   entry header's tag names and MGETs their versions); on a cluster the tag keys live in other
 *   slots, so they are read per slot after the entry (two round trips, see `cluster.ts`).
 * - Clients the backend creates auto-pipeline: commands of one tick share one write.
 * - On a single node, the `get`s, `getMany`s and hinted reads of one event-loop turn share one
 *   MGET (see `mget-batcher.ts`); on a cluster, per-key GETs, auto-pipelined per master.
 * - `deletePattern` is SCAN MATCH + UNLINK in batches on every master, never KEYS, and never
 *   touches the service's `__tc:` keys.
 * - Clients the backend creates fail fast while disconnected and reconnect by themselves.
 * - `locks` is a {@link RedisLockProvider} (SET NX PX with an owner token, pub/sub wake-ups).
 *
 * ioredis is loaded, and the client created and connected, on the first operation (never in the
 * constructor), so `@tagcache/core` does not need it unless you use Redis, and a backend that is
 * never used opens no connection.
 *
 * @example
 * ```ts
 * const cache = new CacheService({ backend: new RedisBackend({ url: 'redis://localhost:6379' }) });
 * const cluster = new RedisBackend({ clusterNodes: ['redis-a.internal:6379', 'redis-b.internal:6379'] });
 * const shared = new RedisBackend({ client: existingIoredisClient }); // not closed by the backend
 * ```
 */
export class RedisBackend implements CacheBackend {
  readonly name = 'redis';
  readonly capabilities: BackendCapabilities = {
    shared: true,
    deletePattern: true,
    maxValueSize: 512 * 1024 * 1024,
  };
  readonly locks: LockProvider;
  /** The client's connection state (ready or not), which the service's circuit breaker follows. */
  readonly connection: BackendConnection;
  readonly #signal: ConnectionSignal;
  readonly #lockProvider: RedisLockProvider;
  readonly #scanCount: number;
  readonly #slot: ClientSlot<IoredisClient>;
  readonly #endpoint: string;
  /** The last connection error the client reported, until it is ready again. */
  #lastCause: Error | undefined;
  /** Set by `close()`: an ending client is then not revived. */
  #closing = false;
  readonly #connectionEvents = {
    ready: (): void => {
      this.#lastCause = undefined;
    },
  };
  #mget: { readonly client: IoredisClient; readonly batcher: MgetBatcher } | undefined;
  /** Tag version keys of hinted reads, built once (see `hinted-read.ts`). */
  readonly #tagKeys = new TagKeys();

  constructor(options: RedisBackendOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new CacheUsageError('expected an options object', 'RedisBackend.options');
    }
    this.#scanCount = options.scanCount ?? 500;
    if (!Number.isInteger(this.#scanCount) || this.#scanCount <= 0) {
      throw new CacheUsageError('expected a positive integer', 'RedisBackend.scanCount');
    }
    // Created on the first operation, never here: a backend that is built and not used (or a
    // config entry not yet needed) dials nothing and cannot keep the process alive.
    // The listener also keeps ioredis from printing every failed reconnection: failures reach
    // callers as Results, and the service announces the first one (see FailureWarning).
    const injected = options.client as IoredisClient | undefined;
    const settings = injected === undefined ? resolveRedisConnection(options) : undefined;
    this.#signal = new ConnectionSignal(injected?.status === 'ready' ? 'connected' : 'unknown');
    this.connection = this.#signal;
    const connect = (): Promise<IoredisClient> =>
      createRedisClient(settings!, (error) => {
        this.#lastCause = error;
      }).then((client) => {
        followConnection(client, this.#signal, this.#connectionEvents);
        reviveWhenEnded(client, () => this.#closing);
        return client;
      });
    this.#endpoint = settings?.endpoint ?? 'injected client';
    this.#slot = new ClientSlot<IoredisClient>(
      injected !== undefined ? { client: injected } : { connect },
      this.name,
      this.#toError,
    );
    if (injected !== undefined) followConnection(injected, this.#signal, this.#connectionEvents);
    offerBoundedTaggedRead(this, this.#batchedTaggedRead);
    this.#lockProvider = new RedisLockProvider(() => this.#slot.ready(), options.lock);
    this.locks = this.#lockProvider;
  }

  /**
   * The ioredis client (`Redis` or `Cluster`; cast it to call ioredis methods) once connected:
   * `undefined` before the first operation (see the class comment).
   */
  get client(): RedisClient | undefined {
    return this.#slot.current;
  }

  /** Whether the backend talks to a Redis Cluster. */
  get isCluster(): boolean {
    return this.#slot.current?.isCluster === true;
  }

  get(key: string): Promise<Result<Uint8Array | undefined>> {
    return this.#slot.run(key, (client) => {
      const batcher = this.#batcher(client);
      return batcher === undefined
        ? client.getBuffer(key).then(orUndefined)
        : batcher.get([key]).then(firstOrUndefined);
    });
  }

  getMany(keys: readonly string[]): Promise<Result<(Uint8Array | undefined)[]>> {
    if (keys.length === 0) return Promise.resolve(ok([]));
    return this.#slot.run(keys[0], async (client) => {
      const batcher = this.#batcher(client);
      const values =
        batcher === undefined ? await clusterGetMany(client as Cluster, keys) : await batcher.get(keys);
      return values.map(orUndefined);
    });
  }

  getTagged(
    key: string,
    tagKeyPrefix: string,
    tagHint?: readonly string[],
  ): Promise<Result<TaggedRead | undefined>> {
    return (
      this.#batchedTaggedRead(key, tagKeyPrefix, tagHint, undefined, asRead()) ??
      this.#slot.run(key, (client) =>
        tagHint !== undefined
          ? hintedRead(client, this.#batcher(client), key, tagKeyPrefix, tagHint)
          : client.isCluster
            ? clusterGetTagged(client as Cluster, key, tagKeyPrefix)
            : getTaggedScript.run(client, key, tagKeyPrefix).then(toTaggedRead),
      )
    );
  }

  /**
   * The hot path of `getTagged` (a hinted read on a connected single node): straight into the
   * turn's MGET, one promise layer; `undefined` off it. Offered as a bounded read (see
   * `resilience/bounded-reads.ts`) to the resilience layer, whose `bound` the read then keeps
   * itself (its deadline, the breaker), and through it to the service, whose decoding runs in
   * the reply's callback: nothing wraps the read.
   */
  readonly #batchedTaggedRead: BoundedTaggedRead = (key, tagKeyPrefix, tagHint, bound, next) => {
    const client = this.#slot.current;
    if (tagHint === undefined || client === undefined || client.isCluster) return undefined;
    return batchedHintedRead(
      this.#batcher(client)!,
      key,
      this.#tagKeys,
      tagKeyPrefix,
      tagHint,
      this.#toError,
      bound,
      next,
    );
  };

  set(key: string, value: Uint8Array, ttlMs?: number): Promise<Result<void>> {
    return this.#slot
      .run(key, async (client) => {
        const ttl = pxTtl(ttlMs);
        if (ttl === undefined) await client.set(key, toBuffer(value));
        else await client.set(key, toBuffer(value), 'PX', ttl);
        return undefined;
      })
      .then((result) => (result.ok ? OK_VOID : result));
  }

  add(key: string, value: Uint8Array, ttlMs?: number): Promise<Result<boolean>> {
    return this.#slot.run(key, async (client) => {
      const ttl = pxTtl(ttlMs);
      const reply =
        ttl === undefined
          ? await client.set(key, toBuffer(value), 'NX')
          : await client.set(key, toBuffer(value), 'PX', ttl, 'NX');
      return reply === 'OK';
    });
  }

  delete(key: string): Promise<Result<boolean>> {
    return this.#slot.run(key, async (client) => (await client.unlink(key)) > 0);
  }

  deletePattern(pattern: string): Promise<Result<number>> {
    return this.#slot.run(pattern, async (client) => {
      const match = globToRedisPattern(pattern);
      const counts = await Promise.all(
        scanTargets(client).map((node) => deleteMatching(node, match, this.#scanCount, client.isCluster)),
      );
      return counts.reduce((a, b) => a + b, 0);
    });
  }

  incr(key: string, by = 1, ttlMs?: number): Promise<Result<number>> {
    if (!Number.isSafeInteger(by)) {
      return Promise.resolve(
        err(
          new CacheError('BACKEND', `incr step must be an integer, got ${by}`, { key, backend: this.name }),
        ),
      );
    }
    return this.#slot.run(key, async (client) => {
      const ttl = pxTtl(ttlMs);
      return Number(await incrScript.run(client, key, by, ttl === undefined ? '' : ttl));
    });
  }

  async health(): Promise<Result<BackendHealth>> {
    return this.#slot.run(undefined, async (client) => {
      const started = performance.now();
      await client.ping();
      const latencyMs = performance.now() - started;
      const details = client.isCluster
        ? { mode: 'cluster', masters: (client as Cluster).nodes('master').length }
        : { mode: 'single' };
      return { latencyMs, details };
    });
  }

  async close(): Promise<Result<void>> {
    this.#closing = true;
    await this.#lockProvider.close();
    const client = await this.#slot.release();
    if (client === undefined) return OK_VOID;
    try {
      if (client.status === 'ready') await client.quit();
      else client.disconnect();
    } catch {
      client.disconnect();
    }
    return OK_VOID;
  }

  /**
   * An invalidation bus on this backend's server (see `RedisBus`): it publishes on the
   * backend's connection and subscribes on its own. A `CacheService` with `l1` calls it.
   */
  createBus(): InvalidationBus {
    return new RedisBus({}, () => this.#slot.ready());
  }

  /** Where the backend connects and, while it cannot, the last connection error (never credentials). */
  describe(): string {
    const cause = this.#lastCause === undefined ? '' : `, last connection error: ${this.#lastCause.message}`;
    return `redis ${this.#endpoint}${cause}`;
  }

  /** An ioredis failure as a `CacheError`; connection failures name the endpoint and the socket's error. */
  readonly #toError = (error: unknown, key: string | undefined): CacheError =>
    withConnectionCause(toRedisError(error, key), this.#endpoint, this.#lastCause);

  /** The batcher of single-node reads (`undefined` on a cluster: keys live on several nodes). */
  #batcher(client: IoredisClient): MgetBatcher | undefined {
    if (client.isCluster) return undefined;
    if (this.#mget?.client !== client) this.#mget = { client, batcher: new MgetBatcher(client as Redis) };
    return this.#mget.batcher;
  }
}

/** Milliseconds for PX: whole, at least 1; `undefined` for no expiry. */
function pxTtl(ttlMs: number | undefined): number | undefined {
  if (ttlMs === undefined || !Number.isFinite(ttlMs) || ttlMs <= 0) return undefined;
  return Math.max(1, Math.ceil(ttlMs));
}

/** The script's reply: `null` (miss), `[entry]` or `[entry, versions]`. */
function toTaggedRead(reply: unknown): TaggedRead | undefined {
  if (reply === null) return undefined;
  const [entry, versions] = reply as [Buffer, (Buffer | null)[] | undefined];
  return { entry, tagVersions: versions === undefined ? [] : versions.map(orUndefined) };
}

function orUndefined(value: Buffer | null): Buffer | undefined {
  return value ?? undefined;
}

function firstOrUndefined(values: readonly (Buffer | null)[]): Buffer | undefined {
  return values[0] ?? undefined;
}
