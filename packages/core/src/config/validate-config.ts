import { CacheUsageError } from '../errors.js';
import { namespaceOf } from '../keys/namespace.js';
import { type Duration, toMilliseconds } from '../time/duration.js';
import type { BackendConfig, CachesConfig } from './config-types.js';

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
    duration(backend.defaultTtl, `${at}.defaultTtl`);
    if (backend.prefix !== undefined) namespaceOf(backend.prefix, `${at}.prefix`);
    switch (backend.type) {
      case 'memory':
        for (const field of ['maxEntries', 'maxBytes', 'maxEntrySize'] as const) {
          const value = backend[field];
          if (value !== undefined && (!Number.isInteger(value) || value <= 0))
            fail(`${at}.${field}`, 'expected a positive integer');
        }
        break;
      case 'redis':
        if (backend.url === undefined && backend.clusterNodes === undefined)
          fail(`${at}.url`, 'expected a redis:// URL or clusterNodes');
        if (backend.url !== undefined && !/^rediss?:\/\//.test(String(backend.url))) {
          fail(`${at}.url`, `expected a redis:// or rediss:// URL, got ${JSON.stringify(backend.url)}`);
        }
        if (
          backend.clusterNodes !== undefined &&
          (!Array.isArray(backend.clusterNodes) || backend.clusterNodes.length === 0)
        ) {
          fail(`${at}.clusterNodes`, 'expected a non-empty list of host:port');
        }
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

function duration(value: Duration | undefined, field: string, allowZero = false): void {
  if (value !== undefined) toMilliseconds(value, field, allowZero);
}

function fail(field: string, message: string): never {
  throw new CacheUsageError(message, field || undefined);
}
