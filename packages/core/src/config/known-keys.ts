import type {
  BusConfig,
  MemcachedBackendConfig,
  MemoryBackendConfig,
  RedisBackendConfig,
  SharedServiceConfig,
} from './config-types.js';
import { everyKeyOf, refuseUnknownKeys } from './unknown-keys.js';

/** The keys a config object of each kind may have. */
const KNOWN: Readonly<Record<string, ReadonlySet<string>>> = {
  memory: everyKeyOf<MemoryBackendConfig>()([
    ...(['name', 'type', 'default', 'defaultTtl', 'prefix', 'resilience', 'l1', 'bus'] as const),
    ...(['maxEntries', 'maxBytes', 'maxEntrySize'] as const),
  ]),
  redis: everyKeyOf<RedisBackendConfig>()([
    ...(['name', 'type', 'default', 'defaultTtl', 'prefix', 'resilience', 'l1', 'bus'] as const),
    ...(['url', 'clusterNodes', 'sentinels', 'username', 'password', 'sentinelUsername'] as const),
    ...(['sentinelPassword', 'tls', 'redisOptions', 'clusterOptions', 'masterName'] as const),
  ]),
  memcached: everyKeyOf<MemcachedBackendConfig>()([
    ...(['name', 'type', 'default', 'defaultTtl', 'prefix', 'resilience', 'l1', 'bus'] as const),
    'servers',
  ]),
  bus: everyKeyOf<BusConfig>()([
    ...(['url', 'clusterNodes', 'sentinels', 'name', 'username', 'password', 'sentinelUsername'] as const),
    ...(['sentinelPassword', 'tls', 'redisOptions', 'clusterOptions', 'channel', 'timeoutMs'] as const),
  ]),
  service: everyKeyOf<SharedServiceConfig>()([
    ...(['protection', 'serializer', 'allowV8', 'compress', 'tagTtl', 'logger', 'purgers'] as const),
    'purge',
  ]),
};

/**
 * Refuses a key a config object of `kind` does not have (a typo would otherwise be ignored in
 * silence), naming it and the closest known key.
 */
export function checkKeys(value: object, kind: string, at: string): void {
  const known = KNOWN[kind];
  if (known === undefined) return;
  const what = kind === 'service' ? 'service' : `a ${kind}${kind === 'bus' ? '' : ' backend'}`;
  refuseUnknownKeys(value, known, what, at);
}
