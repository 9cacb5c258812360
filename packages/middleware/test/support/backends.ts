import { randomUUID } from 'node:crypto';
import * as core from '@tagcache/core';
import { type CacheBackend, CacheService, type CacheServiceOptions, MemoryBackend } from '@tagcache/core';
import { ChaosBackend } from '@tagcache/core/testing';

/** A cache for one test, over a fault-injecting wrapper of a real backend. */
export interface TestCache {
  readonly cache: CacheService;
  readonly chaos: ChaosBackend;
  close(): Promise<void>;
}

/** Makes a {@link TestCache}; service options override the defaults. */
export type CacheFactory = (options?: Partial<CacheServiceOptions>) => Promise<TestCache>;

/** A named backend the behaviour suite runs on. */
export interface BackendVariant {
  readonly name: string;
  readonly create: CacheFactory;
}

const memory: BackendVariant = {
  name: 'memory',
  async create(options = {}) {
    const chaos = new ChaosBackend(new MemoryBackend());
    const cache = new CacheService({ resilience: false, ...options, backend: chaos });
    return { cache, chaos, close: () => cache.close() };
  },
};

type RedisBackendClass = new (options: { url: string }) => CacheBackend;

/**
 * The Redis variant: runs when `REDIS_URL` is set (the test global setup exports it) and
 * `@tagcache/core` exports `RedisBackend`. Each test gets its own key prefix.
 */
function redisVariant(): BackendVariant | undefined {
  const url = process.env.REDIS_URL;
  const RedisBackend = (core as Record<string, unknown>).RedisBackend as RedisBackendClass | undefined;
  if (!url || typeof RedisBackend !== 'function') return undefined;
  return {
    name: 'redis',
    async create(options = {}) {
      const chaos = new ChaosBackend(new RedisBackend({ url }));
      const prefix = `mw-test:${randomUUID()}:`;
      const cache = new CacheService({
        prefix,
        tagTtl: 120,
        resilience: { timeout: '2s', circuitBreaker: false },
        ...options,
        backend: chaos,
      });
      return {
        cache,
        chaos,
        async close() {
          chaos.setMode('pass');
          await cache.deletePattern('*');
          await cache.close();
        },
      };
    },
  };
}

/** Backends the suite runs on here: memory always, Redis when available. */
export function backendVariants(): BackendVariant[] {
  const redis = redisVariant();
  return redis === undefined ? [memory] : [memory, redis];
}

/** A promise with its resolve function, to hold a handler open. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
