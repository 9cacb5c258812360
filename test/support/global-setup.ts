/**
 * Starts the real servers the tests need (redis-server, a 3-master Redis Cluster, memcached) on
 * free loopback ports and passes their addresses to the test workers through `REDIS_URL`,
 * `REDIS_CLUSTER_NODES` (comma-separated host:port) and `MEMCACHED_SERVERS`. A variable that is
 * already set is used as is and nothing is started for it. Servers are stopped by PID at the end.
 *
 * A missing binary skips the suites that need it (loudly), except under `CI=true`, where it fails
 * the run.
 */
import { hasBinary, startMemcached, startRedis, startRedisCluster } from './servers.js';

const ci = process.env.CI === 'true';

export default async function setup(): Promise<() => Promise<void>> {
  const stops: (() => Promise<void>)[] = [];
  const teardown = async (): Promise<void> => {
    await Promise.all(stops.map((stop) => stop().catch(() => {})));
  };
  try {
    const jobs: Promise<void>[] = [];
    if (!process.env.REDIS_URL && available('redis-server', 'redis-server')) {
      jobs.push(
        startRedis().then((server) => {
          stops.push(server.stop);
          process.env.REDIS_URL = `redis://127.0.0.1:${server.port}`;
        }),
      );
    }
    if (
      !process.env.REDIS_CLUSTER_NODES &&
      available('redis-server', 'redis-server') &&
      available('redis-cli', 'redis-tools')
    ) {
      jobs.push(
        startRedisCluster(3).then((cluster) => {
          stops.push(cluster.stop);
          process.env.REDIS_CLUSTER_NODES = cluster.nodes.join(',');
        }),
      );
    }
    if (!process.env.MEMCACHED_SERVERS && available('memcached', 'memcached')) {
      jobs.push(
        startMemcached().then((server) => {
          stops.push(server.stop);
          process.env.MEMCACHED_SERVERS = `127.0.0.1:${server.port}`;
        }),
      );
    }
    const results = await Promise.allSettled(jobs);
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failures.length > 0) {
      const reasons = failures.map((f) => String(f.reason)).join('; ');
      if (ci) throw new Error(`test servers failed to start: ${reasons}`);
      console.warn(`\n⚠ some test servers failed to start (their suites will skip): ${reasons}\n`);
    }
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}

const checked = new Map<string, boolean>();

function available(binary: string, aptPackage: string): boolean {
  const known = checked.get(binary);
  if (known !== undefined) return known;
  checked.set(binary, hasBinary(binary));
  if (checked.get(binary)) return true;
  const message = `${binary} not found: install it with \`apt-get install -y ${aptPackage}\``;
  if (ci) throw new Error(`CI=true and ${message}`);
  console.warn(`\n⚠⚠⚠ ${message}; the suites that need it are SKIPPED ⚠⚠⚠\n`);
  return false;
}
