import { randomBytes } from 'node:crypto';
import { withTimeout } from '../../resilience/resilient-backend.js';
import { ok, type Result } from '../../result.js';
import type { Lock, LockProvider } from '../../types/backend.js';
import { EXTEND_LOCK_SCRIPT, LuaScript, RELEASE_LOCK_SCRIPT } from './lua-scripts.js';
import { duplicateForSubscribe, type IoredisClient } from './redis-client.js';
import { toRedisError } from './redis-errors.js';
import type { RedisClient } from './redis-types.js';

/** Options of {@link RedisLockProvider}. */
export interface RedisLockOptions {
  /**
   * Longest single wait before the caller re-checks, in ms (jittered ±25%). Bounds the cost of a
   * missed wake-up or of a holder that died (its lock expires without a release message).
   * Default 200.
   */
  readonly waitSliceMs?: number;
  /** Wake waiters by pub/sub (a second connection); `false` polls only. Default `true`. */
  readonly pubsub?: boolean;
  /**
   * Longest a lock command may take, in ms, before it fails with `TIMEOUT` (lock calls do not
   * pass through the service's resilience wrapper, and an injected client may queue commands
   * while disconnected). Default 1,000.
   */
  readonly timeoutMs?: number;
}

/** Channel on which releases are announced; the message is the lock's key. */
export const LOCK_RELEASED_CHANNEL = '__tc:lock-released';

const release = new LuaScript(RELEASE_LOCK_SCRIPT);
const extend = new LuaScript(EXTEND_LOCK_SCRIPT);

/**
 * Fleet-wide lock on Redis: `SET key token NX PX ttl` with a random token; release and extend
 * compare the token in a Lua script, so only the owner can. A release is published on
 * {@link LOCK_RELEASED_CHANNEL}; waiters subscribe (once per process, on a second connection),
 * then check the lock (so a release before the subscription is not missed), then wait for the
 * message or one bounded slice, whichever comes first. Without pub/sub they poll with jitter.
 */
export class RedisLockProvider implements LockProvider {
  readonly #client: () => Promise<IoredisClient>;
  readonly #sliceMs: number;
  readonly #pubsub: boolean;
  readonly #timeoutMs: number;
  readonly #waiters = new Map<string, Set<() => void>>();
  #subscriber: Promise<IoredisClient | undefined> | undefined;
  #closed = false;

  /** @param client the ioredis client (`Redis` or `Cluster`), awaited on the first lock call. */
  constructor(client: () => Promise<RedisClient>, options: RedisLockOptions = {}) {
    this.#client = client as () => Promise<IoredisClient>;
    this.#sliceMs = options.waitSliceMs ?? 200;
    this.#pubsub = options.pubsub ?? true;
    this.#timeoutMs = options.timeoutMs ?? 1_000;
  }

  acquire(key: string, ttlMs: number): Promise<Result<Lock | undefined>> {
    const token = randomBytes(16).toString('base64url');
    const attempt = (async (): Promise<Result<Lock | undefined>> => {
      try {
        const client = await this.#client();
        const reply = await client.set(key, token, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
        return ok(reply === 'OK' ? new RedisLock(client, key, token, this.#timeoutMs) : undefined);
      } catch (error) {
        return { ok: false, error: toRedisError(error, key) };
      }
    })();
    return withTimeout(attempt, this.#timeoutMs, 'redis', key);
  }

  async waitForRelease(key: string, timeoutMs: number): Promise<void> {
    const slice = Math.max(1, Math.min(timeoutMs, this.#sliceMs * (0.75 + Math.random() / 2)));
    const subscriber = this.#pubsub && !this.#closed ? await this.#subscribe() : undefined;
    if (subscriber === undefined) return sleep(slice);
    let wake: (() => void) | undefined;
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const set = this.#waiters.get(key) ?? new Set();
    set.add(wake!);
    this.#waiters.set(key, set);
    try {
      // Subscribed first, checked second: a release between the two still wakes us.
      const client = await this.#client();
      const exists = client
        .exists(key)
        .then(ok, (error: unknown) => ({ ok: false as const, error: toRedisError(error) }));
      const held = await withTimeout(exists, this.#timeoutMs, 'redis', key);
      if (!held.ok || held.value === 0) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([woken, new Promise<void>((resolve) => (timer = setTimeout(resolve, slice)))]);
      clearTimeout(timer);
    } catch {
      // The lock store failed: the caller re-reads and re-acquires, which reports it.
    } finally {
      set.delete(wake!);
      if (set.size === 0 && this.#waiters.get(key) === set) this.#waiters.delete(key);
    }
  }

  /** Closes the subscriber connection (the provider's own). */
  async close(): Promise<void> {
    this.#closed = true;
    const subscriber = await this.#subscriber?.catch(() => undefined);
    this.#subscriber = undefined;
    if (subscriber !== undefined) subscriber.disconnect();
    for (const set of this.#waiters.values()) for (const wake of set) wake();
    this.#waiters.clear();
  }

  #subscribe(): Promise<IoredisClient | undefined> {
    this.#subscriber ??= this.#connectSubscriber();
    return this.#subscriber;
  }

  async #connectSubscriber(): Promise<IoredisClient | undefined> {
    let subscriber: IoredisClient | undefined;
    try {
      subscriber = await duplicateForSubscribe(await this.#client());
      subscriber.on('message', (_channel: string, key: string) => {
        const set = this.#waiters.get(key);
        if (set !== undefined) for (const wake of set) wake();
      });
      await subscriber.subscribe(LOCK_RELEASED_CHANNEL);
      if (this.#closed) {
        subscriber.disconnect();
        return undefined;
      }
      return subscriber;
    } catch {
      // Redis is unreachable now: poll this time, try to subscribe again next time.
      subscriber?.disconnect();
      this.#subscriber = undefined;
      return undefined;
    }
  }
}

class RedisLock implements Lock {
  constructor(
    private readonly client: IoredisClient,
    private readonly key: string,
    private readonly token: string,
    private readonly timeoutMs: number,
  ) {}

  release(): Promise<Result<boolean>> {
    return this.#compare(release.run(this.client, this.key, this.token, LOCK_RELEASED_CHANNEL));
  }

  extend(ttlMs: number): Promise<Result<boolean>> {
    return this.#compare(extend.run(this.client, this.key, this.token, Math.max(1, Math.ceil(ttlMs))));
  }

  /** `true` when the script found this owner's token (it replies 1). */
  #compare(reply: Promise<unknown>): Promise<Result<boolean>> {
    const result = reply.then(
      (value) => ok(Number(value) === 1),
      (error: unknown) => ({ ok: false as const, error: toRedisError(error, this.key) }),
    );
    return withTimeout(result, this.timeoutMs, 'redis', this.key);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
