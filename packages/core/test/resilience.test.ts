import { afterEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker, ResilientBackend } from '../src/backend.js';
import { CacheService, MemoryBackend } from '../src/index.js';
import { DeadlineQueue } from '../src/resilience/deadline-queue.js';
import { ChaosBackend } from '../src/testing/index.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures, half-opens after the cool-down, closes on a good probe', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const changes: string[] = [];
    const breaker = new CircuitBreaker({
      failureThreshold: 3,
      cooldownMs: 1_000,
      onStateChange: (s) => changes.push(s),
    });
    breaker.failure();
    breaker.success(); // resets the count
    for (let i = 0; i < 3; i++) {
      expect(breaker.tryPass()).toBe(true);
      breaker.failure();
    }
    expect(breaker.state).toBe('open');
    expect(breaker.tryPass()).toBe(false);
    vi.advanceTimersByTime(1_000);
    expect(breaker.tryPass()).toBe(true); // the probe
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryPass()).toBe(false); // one probe at a time
    breaker.success();
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['open', 'half-open', 'closed']);
  });

  it('a failed probe opens it again for another cool-down', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 1_000 });
    breaker.failure();
    vi.advanceTimersByTime(1_000);
    expect(breaker.tryPass()).toBe(true);
    breaker.failure();
    expect(breaker.state).toBe('open');
    vi.advanceTimersByTime(999);
    expect(breaker.tryPass()).toBe(false);
  });
});

describe('ResilientBackend', () => {
  it('fails a hung operation with TIMEOUT', async () => {
    const chaos = new ChaosBackend(new MemoryBackend());
    const backend = new ResilientBackend(chaos, { timeoutMs: 20, circuitBreaker: false });
    chaos.setMode('hang');
    const result = await backend.get('k');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('TIMEOUT');
    chaos.setMode('pass');
  });

  it('fails fast with CIRCUIT_OPEN while open, without touching the backend', async () => {
    const chaos = new ChaosBackend(new MemoryBackend());
    const backend = new ResilientBackend(chaos, {
      circuitBreaker: { failureThreshold: 2, cooldownMs: 60_000 },
    });
    chaos.setMode('fail');
    await backend.get('a');
    await backend.get('b');
    expect(backend.circuit).toBe('open');
    chaos.resetCounts();
    const result = await backend.get('c');
    expect(result.ok || result.error.code).toBe('CIRCUIT_OPEN');
    expect(chaos.totalCalls).toBe(0);
  });

  it('does not count caller mistakes (oversized values) as backend failures', async () => {
    const backend = new ResilientBackend(new MemoryBackend({ maxEntrySize: 10 }), {
      circuitBreaker: { failureThreshold: 1 },
    });
    const result = await backend.set('k', new Uint8Array(100));
    expect(result.ok || result.error.code).toBe('VALUE_TOO_LARGE');
    expect(backend.circuit).toBe('closed');
  });
});

describe('CacheService over a failing backend', () => {
  it('opens the circuit, fails fast, and recovers by itself when the backend comes back', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const chaos = new ChaosBackend(new MemoryBackend(), { shared: true });
    const cache = new CacheService({
      backend: chaos,
      resilience: { timeout: '50ms', circuitBreaker: { failureThreshold: 3, cooldown: '5s' } },
    });
    await cache.set('k', 'v');
    chaos.setMode('fail');
    for (let i = 0; i < 3; i++) expect(await cache.get('k', 'default')).toBe('default');
    expect((await cache.health()).circuit).toBe('open');
    chaos.resetCounts();
    expect(await cache.get('k', 'default')).toBe('default');
    expect(await cache.set('k2', 'x')).toBe(false);
    expect(chaos.calls.get + chaos.calls.set + chaos.calls.getMany).toBe(0);
    chaos.setMode('pass');
    vi.advanceTimersByTime(5_000);
    expect(await cache.get('k')).toBe('v'); // the half-open probe succeeds
    expect((await cache.health()).circuit).toBe('closed');
  });

  it('a hung backend costs the caller the timeout, not forever', async () => {
    const chaos = new ChaosBackend(new MemoryBackend(), { shared: true });
    const cache = new CacheService({
      backend: chaos,
      resilience: { timeout: '30ms', circuitBreaker: false },
    });
    chaos.setMode('hang');
    const codes: string[] = [];
    cache.on('error', ({ error }) => codes.push(error.code));
    expect(await cache.get('k', 'default')).toBe('default');
    expect(await cache.getOrSet('k2', () => 'loaded')).toBe('loaded');
    expect(codes.every((c) => c === 'TIMEOUT')).toBe(true);
    expect(codes.length).toBeGreaterThanOrEqual(2);
    chaos.setMode('pass');
  });
});

describe('DeadlineQueue', () => {
  it('times out only the operations still pending, in order, with one timer for all', () => {
    vi.useFakeTimers();
    const queue = new DeadlineQueue(100);
    const fired: number[] = [];
    const pending = Array.from({ length: 1_000 }, (_, i) => queue.add(() => fired.push(i)));
    expect(vi.getTimerCount()).toBe(1);
    for (const [i, p] of pending.entries()) if (i % 2 === 0) p.settled = true;
    vi.advanceTimersByTime(99);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toHaveLength(500);
    expect(fired.every((i) => i % 2 === 1)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('re-arms for operations added later', () => {
    vi.useFakeTimers();
    const queue = new DeadlineQueue(100);
    const fired: string[] = [];
    queue.add(() => fired.push('a'));
    vi.advanceTimersByTime(60);
    queue.add(() => fired.push('b'));
    vi.advanceTimersByTime(40);
    expect(fired).toEqual(['a']);
    vi.advanceTimersByTime(60);
    expect(fired).toEqual(['a', 'b']);
  });
});
