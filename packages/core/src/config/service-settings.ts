import type { CoreSettings } from '../cache-core.js';
import { CacheUsageError } from '../errors.js';
import { namespaceOf } from '../keys/namespace.js';
import { ResilientBackend } from '../resilience/resilient-backend.js';
import { resolveSerializer } from '../serializers/resolve.js';
import { AddLockProvider } from '../stampede/add-lock.js';
import { resolveL1Settings } from '../tiers/l1-settings.js';
import { resolveBus } from '../tiers/resolve-bus.js';
import { optionalMilliseconds } from '../time/duration.js';
import type { CacheBackend } from '../types/backend.js';
import { silentLogger } from '../types/logger.js';
import type { CacheServiceOptions, ProtectionOptions, ResilienceOptions } from '../types/options.js';
import { everyKeyOf, refuseUnknownKeys } from './unknown-keys.js';

/** Every option `CacheService` takes (anything else is a typo, refused). */
const SERVICE_OPTIONS = everyKeyOf<CacheServiceOptions>()([
  ...(['backend', 'name', 'defaultTtl', 'prefix', 'serializer', 'allowV8', 'compress'] as const),
  ...(['protection', 'resilience', 'tagTtl', 'clockSkew', 'logger', 'sharedValues', 'l1'] as const),
  ...(['bus', 'purgers', 'purge'] as const),
]);
const PROTECTION_OPTIONS = everyKeyOf<ProtectionOptions>()(['enabled', 'lockTtl', 'maxWait']);
const RESILIENCE_OPTIONS = everyKeyOf<ResilienceOptions>()(['timeout', 'circuitBreaker']);

/** Validates `CacheServiceOptions` and converts them to the core's settings (throws `CacheUsageError`). */
export function resolveSettings(options: CacheServiceOptions): CoreSettings {
  if (options === null || typeof options !== 'object') {
    throw new CacheUsageError('expected an options object with a backend', 'options');
  }
  refuseUnknownKeys(options, SERVICE_OPTIONS, 'CacheService', 'options');
  if (isObject(options.protection))
    refuseUnknownKeys(options.protection, PROTECTION_OPTIONS, 'protection', 'protection');
  if (isObject(options.resilience))
    refuseUnknownKeys(options.resilience, RESILIENCE_OPTIONS, 'resilience', 'resilience');
  const raw = options.backend;
  if (!isBackend(raw)) {
    throw new CacheUsageError('expected a CacheBackend (e.g. new MemoryBackend())', 'backend');
  }
  const prefix = options.prefix ?? '';
  namespaceOf(prefix);
  const name = options.name ?? 'default';
  if (typeof name !== 'string' || name.length === 0)
    throw new CacheUsageError('expected a non-empty string', 'name');

  const backend = withResilience(raw, options);
  const l1 = options.l1 === undefined ? undefined : resolveL1Settings(options.l1);
  const bus = resolveBus(raw, l1, options.bus);
  const protection = options.protection ?? {};
  const enabled = protection.enabled ?? true;
  return {
    name,
    backend,
    prefix,
    serializer: resolveSerializer(options.serializer, options.allowV8 === true, options.compress),
    defaultTtlMs: optionalMilliseconds(options.defaultTtl, 'defaultTtl', 300_000),
    tagTtlMs: optionalMilliseconds(options.tagTtl, 'tagTtl', 30 * 86_400_000),
    clockSkewMs: optionalMilliseconds(options.clockSkew, 'clockSkew', 1_000, true),
    sharedValues: options.sharedValues === true,
    protection: {
      enabled,
      lockTtlMs: optionalMilliseconds(protection.lockTtl, 'protection.lockTtl', 30_000),
      maxWaitMs: optionalMilliseconds(protection.maxWait, 'protection.maxWait', 10_000, true),
    },
    locks:
      enabled && backend.capabilities.shared ? (backend.locks ?? new AddLockProvider(backend)) : undefined,
    l1,
    bus,
    logger: options.logger ?? silentLogger,
    failureWarnings: options.logger === undefined,
  };
}

/** The longest operation timeout accepted; anything longer defeats the point of a cache. */
const MAX_TIMEOUT_MS = 60_000;
/** The longest circuit cool-down accepted. */
const MAX_COOLDOWN_MS = 600_000;

/**
 * Durations given as numbers are seconds: `timeout: 50` or `cooldown: 200` are almost surely
 * meant as milliseconds, so values past a sane limit are refused with a hint.
 */
function belowLimit(ms: number, limit: number, field: string): number {
  if (ms <= limit) return ms;
  throw new CacheUsageError(
    `${ms / 1_000} s is beyond the ${limit / 1_000} s this setting allows (numbers are seconds); write e.g. '50ms' or '2s'`,
    field,
  );
}

function withResilience(backend: CacheBackend, options: CacheServiceOptions): CacheBackend {
  const settings = options.resilience;
  if (settings === false || backend instanceof ResilientBackend) return backend;
  if (settings === undefined && !backend.capabilities.shared) return backend;
  const breaker = settings?.circuitBreaker;
  const timeoutMs = optionalMilliseconds(settings?.timeout, 'resilience.timeout', 1_000);
  return new ResilientBackend(backend, {
    timeoutMs: belowLimit(timeoutMs, MAX_TIMEOUT_MS, 'resilience.timeout'),
    circuitBreaker:
      breaker === false
        ? false
        : {
            failureThreshold: breaker?.failureThreshold ?? 5,
            cooldownMs: belowLimit(
              optionalMilliseconds(breaker?.cooldown, 'resilience.circuitBreaker.cooldown', 10_000),
              MAX_COOLDOWN_MS,
              'resilience.circuitBreaker.cooldown',
            ),
          },
  });
}

function isBackend(value: unknown): value is CacheBackend {
  if (value === null || typeof value !== 'object') return false;
  const b = value as Record<string, unknown>;
  return (
    ['get', 'getMany', 'set', 'add', 'delete', 'deletePattern', 'incr', 'health', 'close'].every(
      (m) => typeof b[m] === 'function',
    ) && typeof b.capabilities === 'object'
  );
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
