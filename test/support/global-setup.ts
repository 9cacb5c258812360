/**
 * Starts the real servers the tests need (next issue: redis-server, a Redis Cluster,
 * memcached) and stops them by PID afterwards.
 */
export default async function setup(): Promise<() => Promise<void>> {
  return async () => {};
}
