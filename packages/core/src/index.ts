/**
 * `@tagcache/core`: a cache service with versioned tags, stampede protection, graceful
 * degradation and pluggable backends.
 * @packageDocumentation
 */

export { ConnectionSignal } from './backends/connection-signal.js';
export {
  MemcachedBackend,
  type MemcachedBackendOptions,
  type MemjsClient,
  memcachedExpiry,
  memcachedKey,
} from './backends/memcached/index.js';
export { MemoryBackend, type MemoryBackendOptions } from './backends/memory.js';
export {
  LOCK_RELEASED_CHANNEL,
  RedisBackend,
  type RedisBackendOptions,
  type RedisClient,
  type RedisClientOptions,
  type RedisConnectionOptions,
  type RedisConnectionSettings,
  type RedisLockOptions,
  RedisLockProvider,
  type RedisTlsOptions,
  redisErrorCode,
  resolveRedisConnection,
} from './backends/redis/index.js';
export { CacheService } from './cache-service.js';
export { type BackendFactory, backendFactories, createBackend } from './config/backend-factories.js';
export { CacheRegistry } from './config/cache-registry.js';
export type {
  BackendConfig,
  BackendConfigBase,
  CachesConfig,
  MemcachedBackendConfig,
  MemoryBackendConfig,
  RedisBackendConfig,
  SharedServiceConfig,
} from './config/config-types.js';
export { createCaches, loadCachesConfig } from './config/create-caches.js';
export { validateCachesConfig } from './config/validate-config.js';
export {
  type CacheEntry,
  decodeEntry,
  encodeEntry,
  entryTagNames,
  MalformedEntryError,
  type TagStamp,
} from './entry/entry-codec.js';
export {
  CACHE_ERROR_CODES,
  CacheError,
  type CacheErrorCode,
  type CacheErrorDetails,
  CacheUsageError,
  LoaderError,
} from './errors.js';
export type { InspectedEntry } from './inspect.js';
export { escapePattern, GlobMatcher, globToRedisPattern, matchesGlob } from './keys/glob.js';
export { PREFIX_END, userKeyOf } from './keys/namespace.js';
export { argumentsHash, hashString, stableHash, stableStringify } from './keys/stable-hash.js';
export {
  CacheMetrics,
  type CacheMetricsOptions,
  type CounterPoint,
  type HistogramPoint,
  type MetricsSnapshot,
} from './metrics/cache-metrics.js';
export { DURATION_BUCKETS } from './metrics/histogram.js';
export {
  type CounterName,
  type HistogramName,
  METRICS,
  type MetricAttributes,
} from './metrics/metric-names.js';
export {
  type Instrumentation,
  type InstrumentOptions,
  instrumentCaches,
  type OtelBatchResult,
  type OtelHistogram,
  type OtelInstrumentOptions,
  type OtelMeter,
  type OtelObservable,
} from './metrics/open-telemetry.js';
export type { CacheStats } from './observability/stats.js';
export { isPurgeableTag } from './purge/batches.js';
export { PurgeError, type PurgeErrorCode, type PurgeErrorDetails } from './purge/purge-error.js';
export type { PurgeFailure, PurgeReport } from './purge/purge-queue.js';
export type { PurgeOptions } from './purge/purge-settings.js';
export type { PurgeBatchLimits, Purger, TagHeaderFormat } from './purge/purger.js';
export {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitState,
} from './resilience/circuit-breaker.js';
export { type ResilienceOptions, ResilientBackend, withTimeout } from './resilience/resilient-backend.js';
export { type Err, err, type Ok, ok, type Result } from './result.js';
export { CompressingSerializer, type CompressionOptions } from './serializers/compressing.js';
export { JsonSerializer, type JsonSerializerOptions, type JsonType } from './serializers/json.js';
export { MsgpackSerializer } from './serializers/msgpack.js';
export { resolveSerializer, type SerializerOption } from './serializers/resolve.js';
export { type Serializer, UnserializableValueError } from './serializers/serializer.js';
export { V8Serializer } from './serializers/v8.js';
export { type AddLockOptions, AddLockProvider } from './stampede/add-lock.js';
export { SingleFlight } from './stampede/single-flight.js';
export { TagVersions } from './tags/tag-versions.js';
export type { BusMessage, BusState, InvalidationBus } from './tiers/bus-contract.js';
export type { L1Options } from './tiers/l1-settings.js';
export { BUS_CHANNEL, RedisBus, type RedisBusOptions } from './tiers/redis-bus.js';
export { type Slot, SlotStore, type SlotStoreSettings } from './tiers/slot-store.js';
export { type Duration, type DurationUnit, MAX_DURATION_MS, toMilliseconds } from './time/duration.js';
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
export type {
  BackendCall,
  CacheEventListener,
  CacheEvents,
  CacheOperation,
  CacheSource,
} from './types/events.js';
export { type CacheLogger, silentLogger } from './types/logger.js';
export type {
  CacheHealth,
  CacheServiceOptions,
  GetOrSetOptions,
  InvalidateOptions,
  Loader,
  LoaderContext,
  ProtectionOptions,
  ResilienceSettings,
  SetOptions,
  WrapOptions,
} from './types/options.js';
export type { GetOrSetOutcome, GetOrSetReport, NotStored, NotStoredReason } from './types/outcome.js';

export { Cached, type CachedOptions } from './wrap/cached.js';
