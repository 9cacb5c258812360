import { createServer } from 'node:net';
import { type CacheLogger, CacheService, RedisBackend, silentLogger } from '@tagcache/core';
import { afterEach, describe, expect, it } from 'vitest';

/** A loopback port with nothing listening (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** Collects the process warnings tagcache emits. */
function captureWarnings(): { messages: string[]; stop(): void } {
  const messages: string[] = [];
  const listener = (warning: Error): void => {
    if (warning.name === 'TagcacheWarning') messages.push(warning.message);
  };
  process.on('warning', listener);
  return { messages, stop: () => process.off('warning', listener) };
}

/** Lets `process.emitWarning` (delivered on the next tick) reach its listeners. */
const delivered = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('a wrong Redis address is announced, not silent', () => {
  const services: CacheService[] = [];
  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.close()));
  });

  it('without a logger: one process warning for many failures, naming host, port and ECONNREFUSED, never the password', async () => {
    const port = await closedPort();
    const cache = new CacheService({
      backend: new RedisBackend({ url: `redis://app:s3cret-pw@127.0.0.1:${port}/0` }),
      // A long timeout: the first call also loads ioredis and dials, slow on a loaded machine.
      resilience: { timeout: '10s', circuitBreaker: false },
    });
    services.push(cache);
    const warnings = captureWarnings();
    try {
      for (let i = 0; i < 5; i++) expect(await cache.get(`k${i}`)).toBeUndefined();
      await delivered();
    } finally {
      warnings.stop();
    }
    expect(cache.stats().errors).toBe(5);
    expect(warnings.messages).toHaveLength(1);
    expect(warnings.messages[0]).toContain(`127.0.0.1:${port}`);
    expect(warnings.messages[0]).toContain('ECONNREFUSED');
    expect(warnings.messages[0]).not.toContain('s3cret-pw');
  });

  it('with a logger: every failure goes to logger.error naming host, port and cause, no extra warning; silentLogger silences it', async () => {
    const port = await closedPort();
    const warned: string[] = [];
    const errors: string[] = [];
    const logger: CacheLogger = {
      ...silentLogger,
      warn: (_context, message) => warned.push(message),
      error: (_context, message) => errors.push(message),
    };
    const logged = new CacheService({
      backend: new RedisBackend({ url: `redis://127.0.0.1:${port}` }),
      logger,
    });
    const silenced = new CacheService({
      backend: new RedisBackend({ url: `redis://127.0.0.1:${port}` }),
      logger: silentLogger,
    });
    services.push(logged, silenced);
    const warnings = captureWarnings();
    try {
      for (let i = 0; i < 3; i++) {
        await logged.set(`k${i}`, i);
        await silenced.set(`k${i}`, i);
      }
      await delivered();
    } finally {
      warnings.stop();
    }
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}: connect ECONNREFUSED`));
    expect(warned).toEqual([]);
    expect(warnings.messages).toEqual([]);
  });
});
