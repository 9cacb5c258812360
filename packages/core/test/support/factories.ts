import { CacheService, type CacheServiceOptions, MemoryBackend } from '../../src/index.js';
import { ChaosBackend } from '../../src/testing/index.js';

/** A service over a counting/fault-injecting memory backend. */
export function memoryCache(options: Partial<CacheServiceOptions> & { shared?: boolean } = {}): {
  cache: CacheService;
  backend: ChaosBackend;
  memory: MemoryBackend;
} {
  const memory = new MemoryBackend({ maxEntries: 1_000_000, maxBytes: 512 * 1024 * 1024 });
  const backend = new ChaosBackend(memory, options.shared ? { shared: true } : {});
  const { shared: _shared, ...rest } = options;
  const cache = new CacheService({ resilience: false, ...rest, backend });
  return { cache, backend, memory };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A promise with its resolve function, to hold a loader open. */
export function deferred<T = void>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (e: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
