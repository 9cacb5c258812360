/**
 * `@tagcache/core/backend`: what backend and adapter authors need. The backend contract, the
 * `Result` helpers every backend call returns, the entry codec (how a value and its tag
 * versions are stored), the resilience wrapper (timeout and circuit breaker), lock providers,
 * glob matching for `deletePattern`, `ScopedStorage` (an async scope that costs the process
 * nothing while no scope runs), and the unknown-option check adapters share. The conformance suite is at `@tagcache/core/testing`.
 * @packageDocumentation
 */

export { ConnectionSignal } from './backends/connection-signal.js';
export {
  type RedisConnectionSettings,
  RedisLockProvider,
  resolveRedisConnection,
} from './backends/redis/index.js';
export { everyKeyOf, refuseUnknownKeys } from './config/unknown-keys.js';
export { ScopedStorage } from './context/scoped-storage.js';
export {
  type CacheEntry,
  decodeEntry,
  encodeEntry,
  entryTagNames,
  MalformedEntryError,
  type TagStamp,
} from './entry/entry-codec.js';
export { escapePattern, GlobMatcher, globToRedisPattern, matchesGlob } from './keys/glob.js';
export {
  CircuitBreaker,
  type CircuitBreakerSettings,
  type CircuitState,
} from './resilience/circuit-breaker.js';
export { type ResilienceSettings, ResilientBackend, withTimeout } from './resilience/resilient-backend.js';
export { type Err, err, type Ok, ok, type Result } from './result.js';
export { type AddLockOptions, AddLockProvider } from './stampede/add-lock.js';
export type { BusMessage, BusState, InvalidationBus } from './tiers/bus-contract.js';
export { BUS_CHANNEL, RedisBus } from './tiers/redis-bus.js';
export { type Slot, SlotStore, type SlotStoreSettings } from './tiers/slot-store.js';
export type {
  BackendCapabilities,
  BackendHealth,
  CacheBackend,
  InProcessReads,
  Lock,
  LockProvider,
  StoredBytes,
  TaggedRead,
} from './types/backend.js';
export { INTERNAL_KEY_PREFIX } from './types/backend.js';
export type { BackendConnection, ConnectionState } from './types/connection.js';
