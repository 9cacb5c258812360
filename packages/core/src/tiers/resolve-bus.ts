import { CacheUsageError } from '../errors.js';
import type { CacheBackend } from '../types/backend.js';
import type { InvalidationBus } from './bus-contract.js';
import { RedisBus, type RedisBusOptions } from './redis-bus.js';

/** The `bus` option: a bus to use, or how to reach the Redis that carries it. */
export type BusOption = InvalidationBus | RedisBusOptions;

/**
 * The bus a service with an L1 uses, or `undefined` without an L1. An L1 without a bus would
 * serve values that another instance has replaced, so a setup that cannot have one is refused:
 *
 * - `bus` given: a bus (`InvalidationBus`) is used as is; options become a {@link RedisBus}.
 * - no `bus`: the backend's own (`createBus`, Redis: same server, its own subscriber connection).
 * - the memory backend: refused (it is in-process already, an L1 in front of it only costs).
 * - other shared backends (memcached): refused, asking for `bus: { url }` of a Redis.
 *
 * @throws CacheUsageError naming `l1` or `bus`.
 */
export function resolveBus(
  backend: CacheBackend,
  l1: unknown,
  bus: BusOption | undefined,
): InvalidationBus | undefined {
  if (l1 === undefined) {
    if (bus !== undefined) {
      throw new CacheUsageError('a bus keeps L1 tiers coherent and does nothing without `l1`', 'bus');
    }
    return undefined;
  }
  if (bus !== undefined) {
    if (bus === null || typeof bus !== 'object') {
      throw new CacheUsageError('expected an InvalidationBus or Redis options ({ url })', 'bus');
    }
    if (isBus(bus)) return bus;
    if (
      bus.url === undefined &&
      bus.clusterNodes === undefined &&
      bus.sentinels === undefined &&
      bus.client === undefined
    ) {
      throw new CacheUsageError(
        'expected a Redis `url`, `clusterNodes`, `sentinels` or `client` for the bus',
        'bus',
      );
    }
    return new RedisBus(bus);
  }
  if (!backend.capabilities.shared) {
    throw new CacheUsageError(
      `the ${backend.name} backend is in-process already (and has no bus to keep L1s coherent): an L1 in front of it only adds a copy; drop \`l1\``,
      'l1',
    );
  }
  const own = backend.createBus?.();
  if (own === undefined) {
    throw new CacheUsageError(
      `the ${backend.name} backend cannot carry invalidations between instances, and without a bus ` +
        "each instance's L1 would keep serving values the others replaced: pass `bus: { url: 'redis://…' }`",
      'bus',
    );
  }
  return own;
}

function isBus(value: object): value is InvalidationBus {
  const bus = value as Partial<InvalidationBus>;
  return (
    typeof bus.publish === 'function' &&
    typeof bus.onMessage === 'function' &&
    typeof bus.onState === 'function' &&
    typeof bus.close === 'function'
  );
}
