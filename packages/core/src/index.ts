/**
 * `@tagcache/core`: a cache service with versioned tags, stampede protection, graceful
 * degradation and pluggable backends.
 *
 * This entry holds what applications use: the service, the backends, serializers, errors,
 * metrics and the option types. Backend authors find the backend contract, the Result helpers,
 * the entry codec and the resilience wrapper at `@tagcache/core/backend`; file-based config is
 * at `@tagcache/core/config`; the conformance suite at `@tagcache/core/testing`.
 * @packageDocumentation
 */

export {
  MemcachedBackend,
  type MemcachedBackendOptions,
  type MemjsClient,
} from './backends/memcached/index.js';
export { MemoryBackend, type MemoryBackendOptions } from './backends/memory.js';
export {
  RedisBackend,
  type RedisBackendOptions,
  type RedisClient,
  type RedisClientOptions,
  type RedisConnectionOptions,
  type RedisLockOptions,
  type RedisTlsOptions,
} from './backends/redis/index.js';
export { CacheService } from './cache-service.js';
export { CacheRegistry } from './config/cache-registry.js';
export type {
  BackendConfig,
  BackendConfigBase,
  BusConfig,
  CachesConfig,
  MemcachedBackendConfig,
  MemoryBackendConfig,
  RedisBackendConfig,
  SharedServiceConfig,
} from './config/config-types.js';
export { createCaches } from './config/create-caches.js';
export {
  CACHE_ERROR_CODES,
  CacheError,
  type CacheErrorCode,
  type CacheErrorDetails,
  CacheUsageError,
  LoaderError,
} from './errors.js';
export type { InspectedEntry } from './inspect.js';
export { PREFIX_END, userKeyOf } from './keys/namespace.js';
export { hashString, stableHash, stableStringify } from './keys/stable-hash.js';
export {
  CacheMetrics,
  type CacheMetricsOptions,
  type CounterPoint,
  type HistogramPoint,
  type HitSampleOptions,
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
export { PurgeError, type PurgeErrorCode, type PurgeErrorDetails } from './purge/purge-error.js';
export type { PurgeFailure, PurgeReport } from './purge/purge-queue.js';
export type { PurgeOptions } from './purge/purge-settings.js';
export type { PurgeBatchLimits, Purger, TagHeaderFormat } from './purge/purger.js';
export { CompressingSerializer, type CompressionOptions } from './serializers/compressing.js';
export { JsonSerializer, type JsonSerializerOptions, type JsonType } from './serializers/json.js';
export { MsgpackSerializer } from './serializers/msgpack.js';
export type { SerializerOption } from './serializers/resolve.js';
export { type Serializer, UnserializableValueError } from './serializers/serializer.js';
export { V8Serializer } from './serializers/v8.js';
export type { L1Options } from './tiers/l1-settings.js';
export type { RedisBusOptions } from './tiers/redis-bus.js';
export { type Duration, type DurationUnit, MAX_DURATION_MS, toMilliseconds } from './time/duration.js';
export type { BackendHealth, CacheBackend } from './types/backend.js';
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
  HitNowOptions,
  InvalidateOptions,
  Loader,
  LoaderContext,
  ProtectionOptions,
  ResilienceOptions,
  SetOptions,
  WrapOptions,
} from './types/options.js';
export type { GetOrSetOutcome, GetOrSetReport, NotStored, NotStoredReason } from './types/outcome.js';
export { Cached, type CachedOptions } from './wrap/cached.js';
