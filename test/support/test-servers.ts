/**
 * Addresses of the servers started by `global-setup.ts` (or given by the environment), for test
 * files: `describe.skipIf(!redisUrl)(...)`. Outside CI a missing server is announced loudly;
 * under `CI=true` it throws, failing the file.
 */

const ci = process.env.CI === 'true';

function fromEnv(variable: string, aptPackage: string): string | undefined {
  const value = process.env[variable];
  if (value) return value;
  const message = `${variable} is not set and no server could be started (apt-get install -y ${aptPackage})`;
  if (ci) throw new Error(`CI=true: ${message}`);
  console.warn(`\n⚠⚠⚠ ${message}: SKIPPING these tests ⚠⚠⚠\n`);
  return undefined;
}

/** `redis://127.0.0.1:PORT` of the test run's own redis-server. */
export const redisUrl = (): string | undefined => fromEnv('REDIS_URL', 'redis-server');

/** Seed nodes (`host:port`) of the test run's 3-master Redis Cluster. */
export const redisClusterNodes = (): string[] | undefined =>
  fromEnv('REDIS_CLUSTER_NODES', 'redis-server redis-tools')?.split(',');

/** `host:port[,host:port]` of the test run's memcached. */
export const memcachedServers = (): string | undefined => fromEnv('MEMCACHED_SERVERS', 'memcached');
