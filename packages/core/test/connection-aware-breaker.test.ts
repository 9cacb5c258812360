import { describe, expect, it } from 'vitest';
import {
  type CacheBackend,
  CircuitBreaker,
  ConnectionSignal,
  ResilientBackend,
  resolveRedisConnection,
} from '../src/backend.js';
import { CacheService, CacheUsageError, MemoryBackend, RedisBackend } from '../src/index.js';

/** A memory backend that reports a connection, as a network backend would, and counts calls. */
function connectedMemory(): { backend: CacheBackend; signal: ConnectionSignal; calls: () => number } {
  const memory = new MemoryBackend();
  const signal = new ConnectionSignal('connected');
  let calls = 0;
  const counted = <T>(result: T): T => {
    calls++;
    return result;
  };
  const backend: CacheBackend = {
    name: 'memory-with-connection',
    capabilities: { ...memory.capabilities, shared: true },
    connection: signal,
    get: (key) => counted(memory.get(key)),
    getMany: (keys) => counted(memory.getMany(keys)),
    set: (key, value, ttl) => counted(memory.set(key, value, ttl)),
    add: (key, value, ttl) => counted(memory.add(key, value, ttl)),
    delete: (key) => counted(memory.delete(key)),
    deletePattern: (pattern) => counted(memory.deletePattern(pattern)),
    incr: (key, by, ttl) => counted(memory.incr(key, by, ttl)),
    health: () => memory.health(),
    close: () => memory.close(),
  };
  return { backend, signal, calls: () => calls };
}

describe('CircuitBreaker.reconnected', () => {
  it('half-opens an open circuit at once; does nothing when closed', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 600_000 });
    breaker.reconnected();
    expect(breaker.state).toBe('closed');
    breaker.failure();
    expect(breaker.tryPass()).toBe(false);
    breaker.reconnected();
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryPass()).toBe(true); // the probe
    expect(breaker.tryPass()).toBe(false);
    breaker.success();
    expect(breaker.state).toBe('closed');
  });
});

describe('ResilientBackend following the connection', () => {
  it('fails fast without calling the backend while disconnected; a reconnection half-opens the circuit', async () => {
    const { backend, signal, calls } = connectedMemory();
    const resilient = new ResilientBackend(backend, {
      circuitBreaker: { failureThreshold: 2, cooldownMs: 600_000 },
    });
    expect((await resilient.set('k', new Uint8Array([1]))).ok).toBe(true);
    const before = calls();
    signal.set('disconnected');
    const first = await resilient.get('k');
    expect(first.ok ? 'ok' : first.error.code).toBe('CONNECTION');
    await resilient.get('k');
    expect(resilient.circuit).toBe('open');
    const refused = await resilient.get('k');
    expect(refused.ok ? 'ok' : refused.error.code).toBe('CIRCUIT_OPEN');
    expect(calls()).toBe(before); // nothing reached the backend
    expect(resilient.unhealthyReason()).toMatch(
      /^circuit open after 2 consecutive failures; last failure: .*disconnected/,
    );

    signal.set('connected');
    expect(resilient.circuit).toBe('half-open');
    const probe = await resilient.get('k');
    expect(probe.ok && probe.value).toEqual(new Uint8Array([1]));
    expect(resilient.circuit).toBe('closed');
    expect(resilient.unhealthyReason()).toBeUndefined();
    await resilient.close();
  });

  it("the service's health says why, and never shows an open circuit as healthy", async () => {
    const { backend, signal } = connectedMemory();
    const cache = new CacheService({
      backend,
      resilience: { circuitBreaker: { failureThreshold: 1, cooldown: '10m' } },
    });
    signal.set('disconnected');
    await cache.get('k');
    // The probe answers (the memory store is there): it closes the circuit, but the client
    // still reports itself disconnected, so the service is not healthy.
    const health = await cache.health();
    expect(health).toMatchObject({ healthy: false, circuit: 'closed' });
    expect(health.reason).toMatch(/^client disconnected/);
    signal.set('connected');
    expect(await cache.health()).toMatchObject({ healthy: true, circuit: 'closed' });
    await cache.close();
  });
});

describe('Redis connection options', () => {
  it('resolves sentinels, TLS and credentials; describes the endpoint without credentials', () => {
    const settings = resolveRedisConnection({
      sentinels: ['10.0.0.1:26379', 'user:pw@10.0.0.2:26379'],
      name: 'mymaster',
      password: 'secret',
      tls: true,
    });
    expect(settings).toMatchObject({ mode: 'sentinel', name: 'mymaster', tls: {}, password: 'secret' });
    expect(settings.sentinels).toEqual([
      { host: '10.0.0.1', port: 26379 },
      { host: '10.0.0.2', port: 26379 },
    ]);
    expect(settings.endpoint).toBe("master 'mymaster' via sentinels 10.0.0.1:26379,10.0.0.2:26379");
    expect(resolveRedisConnection({ url: 'rediss://u:pw@cache.internal:6380' }).endpoint).toBe(
      'cache.internal:6380',
    );
  });

  it('refuses contradictory or incomplete options, naming the field and never echoing a node', () => {
    const refused = (options: ConstructorParameters<typeof RedisBackend>[0]): CacheUsageError => {
      try {
        new RedisBackend(options);
      } catch (error) {
        return error as CacheUsageError;
      }
      throw new Error('accepted');
    };
    expect(refused({ sentinels: ['127.0.0.1:26379'] }).message).toMatch(/RedisBackend\.name/);
    expect(refused({ url: 'redis://x:1', sentinels: ['127.0.0.1:26379'], name: 'm' }).message).toMatch(
      /RedisBackend\.url/,
    );
    const bad = refused({ sentinels: ['user:topsecret@nohost'], name: 'm' });
    expect(bad).toBeInstanceOf(CacheUsageError);
    expect(bad.message).toMatch(/RedisBackend\.sentinels/);
    expect(bad.message).not.toContain('topsecret');
    expect(refused({ url: 'redis://x:1', password: 42 as unknown as string }).message).toMatch(
      /RedisBackend\.password/,
    );
  });
});
