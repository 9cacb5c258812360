import { resolveRedisConnection } from '../backends/redis/redis-connection.js';
import { CacheUsageError } from '../errors.js';
import { namespaceOf } from '../keys/namespace.js';
import { resolveL1Settings } from '../tiers/l1-settings.js';
import { type Duration, toMilliseconds } from '../time/duration.js';
import { redisConnection } from './backend-factories.js';
import type { BackendConfig, BusConfig, CachesConfig } from './config-types.js';
import { checkKeys } from './known-keys.js';

const TYPES = ['memory', 'redis', 'memcached'] as const;

/** Config keys of earlier releases and the `CacheServiceOptions` names that replaced them. */
const RENAMED: Readonly<Record<string, string>> = {
  enableProtection: 'protection.enabled',
  protectionLockTtl: 'protection.lockTtl',
  protectionMaxWait: 'protection.maxWait',
  defaultSerializer: 'serializer',
};

/**
 * Checks a config before anything is built, so a mistake fails at start with the path of the
 * field at fault (`backends[1].url: ...`). Returns the name of the default backend.
 */
export function validateCachesConfig(config: CachesConfig): string {
  if (config === null || typeof config !== 'object') fail('', 'expected an object with a `backends` list');
  if (!Array.isArray(config.backends) || config.backends.length === 0)
    fail('backends', 'expected a non-empty list');
  const names = new Set<string>();
  const defaults: string[] = [];
  config.backends.forEach((backend: BackendConfig, i: number) => {
    const at = `backends[${i}]`;
    if (backend === null || typeof backend !== 'object') fail(at, 'expected an object');
    if (typeof backend.name !== 'string' || backend.name.length === 0)
      fail(`${at}.name`, 'expected a non-empty string');
    if (names.has(backend.name)) fail(`${at}.name`, `duplicate backend name '${backend.name}'`);
    names.add(backend.name);
    if (!TYPES.includes(backend.type))
      fail(`${at}.type`, `expected one of ${TYPES.join(', ')}, got ${JSON.stringify(backend.type)}`);
    if (backend.default !== undefined && typeof backend.default !== 'boolean')
      fail(`${at}.default`, 'expected a boolean');
    if (backend.default) defaults.push(backend.name);
    checkKeys(backend, backend.type, at);
    duration(backend.defaultTtl, `${at}.defaultTtl`);
    if (backend.prefix !== undefined) namespaceOf(backend.prefix, `${at}.prefix`);
    checkTiers(backend, at);
    switch (backend.type) {
      case 'memory':
        for (const field of ['maxEntries', 'maxBytes', 'maxEntrySize'] as const) {
          const value = backend[field];
          if (value !== undefined && (!Number.isInteger(value) || value <= 0))
            fail(`${at}.${field}`, 'expected a positive integer');
        }
        break;
      case 'redis':
        if (
          backend.url === undefined &&
          backend.clusterNodes === undefined &&
          backend.sentinels === undefined
        )
          fail(`${at}.url`, 'expected a redis:// URL, clusterNodes, or sentinels with masterName');
        if (backend.url !== undefined && !/^rediss?:\/\//.test(String(backend.url))) {
          fail(`${at}.url`, `expected a redis:// or rediss:// URL, got ${JSON.stringify(backend.url)}`);
        }
        if (
          backend.clusterNodes !== undefined &&
          (!Array.isArray(backend.clusterNodes) || backend.clusterNodes.length === 0)
        ) {
          fail(`${at}.clusterNodes`, 'expected a non-empty list of host:port');
        }
        // The sentinels' master group is `masterName` here (`name` is the cache's).
        within(at, 'RedisBackend', () => resolveRedisConnection(redisConnection(backend)), {
          name: 'masterName',
        });
        break;
      case 'memcached': {
        const servers = typeof backend.servers === 'string' ? backend.servers.split(',') : backend.servers;
        if (
          !Array.isArray(servers) ||
          servers.length === 0 ||
          servers.some((s) => !/^[^\s:]+:\d+$/.test(String(s).trim()))
        ) {
          fail(`${at}.servers`, `expected host:port entries, got ${JSON.stringify(backend.servers)}`);
        }
        break;
      }
    }
  });
  if (defaults.length > 1)
    fail('backends', `only one backend may be the default, got ${defaults.join(', ')}`);
  if (defaults.length === 0 && config.backends.length > 1)
    fail('backends', 'mark one backend with default: true');
  const service = config.service;
  if (service !== undefined) {
    if (typeof service !== 'object' || service === null) fail('service', 'expected an object');
    for (const [old, renamed] of Object.entries(RENAMED)) {
      if (old in service)
        fail(`service.${old}`, `renamed: use service.${renamed} (the CacheService option name)`);
    }
    checkKeys(service, 'service', 'service');
    const protection = service.protection;
    if (protection !== undefined) {
      if (typeof protection !== 'object' || protection === null)
        fail('service.protection', 'expected an object');
      if (protection.enabled !== undefined && typeof protection.enabled !== 'boolean')
        fail('service.protection.enabled', 'expected a boolean');
      duration(protection.lockTtl, 'service.protection.lockTtl');
      duration(protection.maxWait, 'service.protection.maxWait', true);
    }
    duration(service.tagTtl, 'service.tagTtl');
  }
  return defaults[0] ?? config.backends[0]!.name;
}

/** `l1` and `bus`: checked as `CacheService` checks them, and refused where it would refuse them. */
function checkTiers(backend: BackendConfig, at: string): void {
  if (backend.l1 !== undefined) {
    if (backend.type === 'memory')
      fail(`${at}.l1`, 'the memory backend is in-process already: an l1 in front of it only costs');
    within(at, undefined, () => resolveL1Settings(backend.l1!));
    if (backend.type === 'memcached' && backend.bus === undefined)
      fail(`${at}.bus`, 'an l1 in front of memcached needs a Redis bus ({ url }) to stay coherent');
  }
  if (backend.bus !== undefined) {
    if (backend.l1 === undefined) fail(`${at}.bus`, 'a bus only serves an l1: add l1 or remove bus');
    checkBus(backend.bus, `${at}.bus`);
  }
}

function checkBus(bus: BusConfig, at: string): void {
  if (bus === null || typeof bus !== 'object') fail(at, 'expected Redis connection settings ({ url })');
  checkKeys(bus, 'bus', at);
  if (bus.channel !== undefined && (typeof bus.channel !== 'string' || bus.channel === ''))
    fail(`${at}.channel`, 'expected a non-empty string');
  within(at, 'RedisBackend', () => resolveRedisConnection(bus));
}

/**
 * Runs a resolver of the options a config entry sets, its `CacheUsageError` re-raised with the
 * config path (`backends[0].l1.maxEntries` for `l1.maxEntries`; `owner.` dropped from fields).
 */
function within(
  at: string,
  owner: string | undefined,
  resolve: () => unknown,
  renamed: Readonly<Record<string, string>> = {},
): void {
  try {
    resolve();
  } catch (error) {
    if (!(error instanceof CacheUsageError) || error.field === undefined) throw error;
    const own = owner !== undefined && error.field.startsWith(`${owner}.`);
    const field = own ? error.field.slice(owner.length + 1) : error.field;
    const message = error.message.slice(error.field.length + 2);
    fail(`${at}.${renamed[field] ?? field}`, message);
  }
}

function duration(value: Duration | undefined, field: string, allowZero = false): void {
  if (value !== undefined) toMilliseconds(value, field, allowZero);
}

function fail(field: string, message: string): never {
  throw new CacheUsageError(message, field || undefined);
}
