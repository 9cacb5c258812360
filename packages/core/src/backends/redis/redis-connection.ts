import { CacheUsageError } from '../../errors.js';
import type { RedisClientOptions, RedisConnectionOptions, RedisTlsOptions } from './redis-types.js';

/** A `host:port` pair. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/**
 * {@link RedisConnectionOptions} checked and resolved: which kind of deployment, its nodes, the
 * credentials and TLS settings, and a description of where it connects that never contains
 * credentials. Shared by every connection the core opens to one Redis (the backend's commands,
 * its lock wake-ups, the invalidation bus), so they all reach the same server the same way.
 */
export interface RedisConnectionSettings {
  /** A single node (`url`), a Cluster (`clusterNodes`) or a master found through Sentinel. */
  readonly mode: 'single' | 'cluster' | 'sentinel';
  /** The single node's URL (default `redis://127.0.0.1:6379`). */
  readonly url: string;
  /** Cluster seed nodes (mode `cluster`). */
  readonly clusterNodes: readonly HostPort[];
  /** Sentinel nodes (mode `sentinel`). */
  readonly sentinels: readonly HostPort[];
  /** The master group's name (mode `sentinel`). */
  readonly name: string | undefined;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly sentinelUsername: string | undefined;
  readonly sentinelPassword: string | undefined;
  /** TLS to the data nodes; `undefined` for plain TCP (a `rediss://` URL still means TLS). */
  readonly tls: RedisTlsOptions | undefined;
  readonly redisOptions: RedisClientOptions | undefined;
  readonly clusterOptions: RedisClientOptions | undefined;
  /** Where the client connects, for messages: hosts and ports only, never credentials. */
  readonly endpoint: string;
}

/** Parses `host:port` (IPv6 hosts in brackets). */
export function parseHostPort(node: string): HostPort {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(node.trim());
  if (!match) throw new CacheUsageError(`expected host:port, got ${JSON.stringify(node)}`, 'clusterNodes');
  return { host: match[1]!, port: Number(match[2]) };
}

/** Checks and resolves connection options; a `CacheUsageError` names the field at fault. */
export function resolveRedisConnection(options: RedisConnectionOptions): RedisConnectionSettings {
  const clusterNodes = nodeList(options.clusterNodes, 'clusterNodes');
  const sentinels = nodeList(options.sentinels, 'sentinels');
  const kinds = [options.url !== undefined, clusterNodes.length > 0, sentinels.length > 0];
  if (kinds.filter(Boolean).length > 1) {
    throw new CacheUsageError('give only one of url, clusterNodes and sentinels', 'RedisBackend.url');
  }
  if (sentinels.length > 0 && (typeof options.name !== 'string' || options.name === '')) {
    throw new CacheUsageError('sentinels need the master group name', 'RedisBackend.name');
  }
  for (const field of ['username', 'password', 'sentinelUsername', 'sentinelPassword', 'name'] as const) {
    const value = options[field];
    if (value !== undefined && typeof value !== 'string') {
      throw new CacheUsageError('expected a string', `RedisBackend.${field}`);
    }
  }
  if (options.tls !== undefined && typeof options.tls !== 'boolean' && typeof options.tls !== 'object') {
    throw new CacheUsageError('expected true, false or TLS settings', 'RedisBackend.tls');
  }
  const mode = sentinels.length > 0 ? 'sentinel' : clusterNodes.length > 0 ? 'cluster' : 'single';
  const url = options.url ?? 'redis://127.0.0.1:6379';
  return {
    mode,
    url,
    clusterNodes,
    sentinels,
    name: options.name,
    username: options.username,
    password: options.password,
    sentinelUsername: options.sentinelUsername,
    sentinelPassword: options.sentinelPassword,
    tls: options.tls === true ? {} : options.tls === false ? undefined : options.tls,
    redisOptions: options.redisOptions,
    clusterOptions: options.clusterOptions,
    endpoint: describeEndpoint(mode, url, clusterNodes, sentinels, options.name),
  };
}

function nodeList(nodes: readonly string[] | undefined, field: string): HostPort[] {
  if (nodes === undefined) return [];
  if (!Array.isArray(nodes))
    throw new CacheUsageError('expected a list of host:port', `RedisBackend.${field}`);
  return nodes.map((node) => {
    try {
      return parseHostPort(String(node).replace(/^.*@/, ''));
    } catch {
      // The entry itself is not repeated: it may carry credentials.
      throw new CacheUsageError('expected host:port entries', `RedisBackend.${field}`);
    }
  });
}

function describeEndpoint(
  mode: RedisConnectionSettings['mode'],
  url: string,
  clusterNodes: readonly HostPort[],
  sentinels: readonly HostPort[],
  name: string | undefined,
): string {
  const list = (nodes: readonly HostPort[]): string => nodes.map((n) => `${n.host}:${n.port}`).join(',');
  if (mode === 'cluster') return `cluster ${list(clusterNodes)}`;
  if (mode === 'sentinel') return `master '${name}' via sentinels ${list(sentinels)}`;
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return 'an unparsable URL';
  }
}
