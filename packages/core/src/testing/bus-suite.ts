import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryBackend } from '../backends/memory.js';
import { CacheService } from '../cache-service.js';
import type { BusMessage, BusState, InvalidationBus } from '../tiers/bus-contract.js';
import type { CacheBackend } from '../types/backend.js';

/** Two instances of a fleet: their buses on one channel, and their backends on one store. */
export interface BusPair {
  readonly a: InvalidationBus;
  readonly b: InvalidationBus;
  /** Each instance's backend, both on one shared store. Default: one `MemoryBackend` for both. */
  readonly backends?: readonly [CacheBackend, CacheBackend];
  /** Cuts `b`'s connection (the tests that need it are skipped without). */
  readonly disconnect?: () => void | Promise<void>;
  /** Restores `b`'s connection. */
  readonly reconnect?: () => void | Promise<void>;
  /** Releases what `create` made beyond the buses and backends (closed by the suite). */
  readonly close?: () => Promise<void>;
}

/** How to run the bus conformance suite against one {@link InvalidationBus}. */
export interface BusSuiteOptions {
  /** Shown in the test names. */
  readonly name: string;
  /** Builds a fresh pair for each test. */
  readonly create: () => BusPair | Promise<BusPair>;
  /**
   * Resolves once what was published so far has been delivered. Default: none; checks are
   * then retried until they pass or `timeoutMs` elapses.
   */
  readonly settle?: () => Promise<void>;
  /** How long a check waiting for a delivery or a reconnection is retried. Default 5,000 ms. */
  readonly timeoutMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The behaviour every {@link InvalidationBus} must show, on its own and under two services with
 * an L1 tier: messages reach the other instance and never the sender; an invalidation, a write,
 * a delete or a pattern delete made by one instance is never served from the other's L1 once
 * delivered; while disconnected an instance reads through to the shared backend, and its L1 is
 * cleared when it reconnects.
 */
export function busConformanceSuite(options: BusSuiteOptions): void {
  const timeoutMs = options.timeoutMs ?? 5_000;

  /** Retries `check` (after `settle`) until it passes or the time is up. */
  async function eventually(check: () => Promise<void> | void): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await options.settle?.();
      try {
        await check();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(10);
      }
    }
  }

  async function withPair(run: (pair: BusPair) => Promise<void>): Promise<void> {
    const pair = await options.create();
    try {
      await eventually(() => {
        expect([pair.a.connected, pair.b.connected]).toEqual([true, true]);
      });
      await run(pair);
    } finally {
      await pair.a.close();
      await pair.b.close();
      await pair.close?.();
    }
  }

  /** Two services with an L1 over the pair; closing them closes the buses. */
  async function withServices(
    run: (a: CacheService, b: CacheService, pair: BusPair) => Promise<void>,
  ): Promise<void> {
    const pair = await options.create();
    const shared = new MemoryBackend();
    const [backendA, backendB] = pair.backends ?? [shared, shared];
    const prefix = `bus-${randomBytes(4).toString('hex')}`;
    const common = { prefix, defaultTtl: 60, l1: { maxEntries: 100 } } as const;
    const a = new CacheService({ ...common, backend: backendA, bus: pair.a });
    const b = new CacheService({ ...common, backend: backendB, bus: pair.b });
    try {
      await eventually(() => {
        expect([pair.a.connected, pair.b.connected]).toEqual([true, true]);
      });
      await run(a, b, pair);
    } finally {
      await a.close();
      // One store shared by both services' backends: closed once.
      if (backendB !== backendA) await b.close();
      else await pair.b.close();
      await pair.close?.();
    }
  }

  describe(`InvalidationBus conformance: ${options.name}`, () => {
    it('delivers every kind of message to the other instance, in order, and none to the sender', async () => {
      await withPair(async ({ a, b }) => {
        const toA: BusMessage[] = [];
        const toB: BusMessage[] = [];
        a.onMessage((m) => toA.push(m));
        b.onMessage((m) => toB.push(m));
        const sent: BusMessage[] = [
          { kind: 'tags', versions: [['__tc:t:x|users', 'v2']] },
          { kind: 'delete', keys: ['x|user:1', 'x|user:2'] },
          { kind: 'pattern', pattern: 'x|user:*' },
          { kind: 'write', keys: ['x|user:3'] },
          { kind: 'clear' },
        ];
        for (const message of sent) a.publish(message);
        await eventually(() => {
          expect(toB).toEqual(sent);
        });
        expect(toA).toEqual([]);
      });
    });

    it('reports a lost connection and its return', async (context) => {
      const probe = await options.create();
      const supported = probe.disconnect !== undefined && probe.reconnect !== undefined;
      await probe.a.close();
      await probe.b.close();
      await probe.close?.();
      if (!supported) return context.skip();
      await withPair(async (pair) => {
        const states: BusState[] = [];
        pair.b.onState((s) => states.push(s));
        await pair.disconnect!();
        await eventually(() => {
          expect(pair.b.connected).toBe(false);
        });
        await pair.reconnect!();
        await eventually(() => {
          expect(pair.b.connected).toBe(true);
          expect(states.slice(-1)).toEqual(['connected']);
        });
        expect(states).toContain('disconnected');
      });
    });

    it('L1: a repeated read is answered in-process, and an invalidation elsewhere makes it a miss', async () => {
      await withServices(async (a, b) => {
        await a.set('user:1', { name: 'Ann' }, { tags: ['users'] });
        expect(await b.get('user:1')).toEqual({ name: 'Ann' });
        expect(await b.get('user:1')).toEqual({ name: 'Ann' });
        expect(b.stats()).toMatchObject({ l1Hits: 1, l2Hits: 1 });
        await a.invalidateTags(['users']);
        await eventually(async () => {
          expect(await b.get('user:1')).toBeUndefined();
        });
      });
    });

    it('L1: a write, a delete and a pattern delete elsewhere replace or drop the copy', async () => {
      await withServices(async (a, b) => {
        for (const key of ['w', 'd', 'p:1']) {
          await a.set(key, 1);
          expect(await b.get(key)).toBe(1);
          expect(await b.get(key)).toBe(1); // from b's L1
        }
        expect(b.stats().l1Hits).toBe(3);
        await a.set('w', 2);
        await a.delete('d');
        await a.deletePattern('p:*');
        await eventually(async () => {
          expect([await b.get('w'), await b.get('d'), await b.get('p:1')]).toEqual([2, undefined, undefined]);
        });
      });
    });

    it('L1: a value a reader mutates is not what the next reader gets', async () => {
      await withServices(async (a, b) => {
        await a.set('doc', { list: [1, 2], nested: { n: 1 } });
        const first = await b.get<{ list: number[]; nested: { n: number } }>('doc');
        const second = await b.get<{ list: number[]; nested: { n: number } }>('doc');
        first!.list.push(3);
        second!.nested.n = 2;
        expect(await b.get('doc')).toEqual({ list: [1, 2], nested: { n: 1 } });
        expect(b.stats().l1Hits).toBe(2);
      });
    });

    it('L1: bypassed while the bus is down (what it missed is read from the shared backend), cleared when it is back', async (context) => {
      const probe = await options.create();
      const supported = probe.disconnect !== undefined && probe.reconnect !== undefined;
      await probe.a.close();
      await probe.b.close();
      await probe.close?.();
      if (!supported) return context.skip();
      await withServices(async (a, b, pair) => {
        await a.set('k', 'v1', { tags: ['t'] });
        expect(await b.get('k')).toBe('v1');
        expect(await b.get('k')).toBe('v1');
        expect(b.stats().l1Hits).toBe(1);
        await pair.disconnect!();
        await eventually(() => {
          expect(pair.b.connected).toBe(false);
        });
        // b cannot hear this invalidation; its L1 must not answer meanwhile.
        await a.invalidateTags(['t']);
        expect(await b.get('k')).toBeUndefined();
        await a.set('k', 'v2', { tags: ['t'] });
        expect(await b.get('k')).toBe('v2');
        expect(await b.get('k')).toBe('v2');
        expect(b.stats().l1Hits).toBe(1);
        await pair.reconnect!();
        await eventually(() => {
          expect(pair.b.connected).toBe(true);
        });
        expect(await b.get('k')).toBe('v2');
        expect(await b.get('k')).toBe('v2');
        expect(b.stats().l1Hits).toBe(2);
      });
    });
  });
}
