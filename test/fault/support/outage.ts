import { type CacheError, CacheService, type CacheServiceOptions } from '@tagcache/core';
import { expect } from 'vitest';

/** A service with short resilience settings, collecting the error codes it reports. */
export function serviceWithShortBreaker(backend: CacheServiceOptions['backend']): {
  cache: CacheService;
  codes: string[];
} {
  const cache = new CacheService({
    backend,
    prefix: 'fault:',
    // The cool-down outlasts the few calls made while open, even on a slow machine.
    resilience: { timeout: '500ms', circuitBreaker: { failureThreshold: 3, cooldown: '2s' } },
  });
  const codes: string[] = [];
  cache.on('error', ({ error }: { error: CacheError }) => {
    codes.push(error.code);
  });
  return { cache, codes };
}

/** With the server down: defaults, `false`, loaders run, no throw; then the circuit opens and fails fast. */
export async function expectDegradedThenOpen(cache: CacheService, codes: string[]): Promise<void> {
  expect(await cache.get('present', 'fallback')).toBe('fallback');
  expect(await cache.set('other', 1)).toBe(false);
  expect(await cache.getOrSet('loaded', async () => 'from loader')).toBe('from loader');
  expect(codes.length).toBeGreaterThan(0);
  expect(codes.every((code) => code === 'CONNECTION' || code === 'TIMEOUT' || code === 'CIRCUIT_OPEN')).toBe(
    true,
  );
  for (let i = 0; i < 10 && (await cache.health()).circuit !== 'open'; i++) await cache.get('present');
  const health = await cache.health();
  expect(health.circuit).toBe('open');
  expect(health.healthy).toBe(false);
  codes.length = 0;
  expect(await cache.get('present', 'fallback')).toBe('fallback');
  expect(await cache.set('other', 2)).toBe(false);
  // Failing fast: the calls were refused by the breaker, not sent to the dead server.
  expect(codes).toEqual(['CIRCUIT_OPEN', 'CIRCUIT_OPEN']);
}

/** After a restart: writes succeed again once the breaker lets a probe through (bounded attempts). */
export async function expectRecovery(cache: CacheService): Promise<void> {
  let stored = false;
  for (let attempt = 0; attempt < 150 && !stored; attempt++) {
    stored = await cache.set('after', { back: true }, { ttl: 60 });
    if (!stored) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(stored).toBe(true);
  expect(await cache.get('after')).toEqual({ back: true });
  const health = await cache.health();
  expect(health).toMatchObject({ healthy: true, circuit: 'closed' });
  expect(health.latencyMs).toBeGreaterThanOrEqual(0);
}

/**
 * Stores a value before the outage. A cold client's first command also waits for its
 * connection, which can outlast the short timeout on a loaded machine: retry a few times.
 */
export async function storeBeforeOutage(cache: CacheService, key: string, value: unknown): Promise<void> {
  let stored = false;
  for (let attempt = 0; attempt < 20 && !stored; attempt++) {
    stored = await cache.set(key, value, { ttl: 60 });
    if (!stored) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(stored).toBe(true);
  expect(await cache.get(key)).toEqual(value);
}
