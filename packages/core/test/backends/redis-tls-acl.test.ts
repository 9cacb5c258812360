/**
 * TLS and ACL users (issue 14): a redis-server with a TLS port on a certificate this test
 * generates (throwaway CA), and an ACL user with only the permissions tagcache needs (the list
 * in the README). Credentials never appear in logs, errors, events or health reports.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeTestCertificates,
  startTlsRedis,
  type TestCertificates,
} from '../../../../test/support/redis-topologies.js';
import { hasBinary, type RunningServer } from '../../../../test/support/servers.js';
import { type CacheLogger, CacheService, RedisBackend } from '../../src/index.js';

const PASSWORD = 'tc-Secret-Pass-4821';
const WRONG_PASSWORD = 'tc-Wrong-Pass-9377';
const USER = 'tagcache';

/**
 * The minimum tagcache needs (keep in step with the README's "ACL user" list): reads, writes,
 * deletes and SCAN on the application's prefix and the service's own `__tc:` keys, its Lua
 * scripts (and the commands they call), PING and INFO (ioredis' ready check), and the
 * `__tc:` pub/sub channels of the lock wake-ups.
 */
const ACL_RULES = [
  'on',
  `>${PASSWORD}`,
  'resetkeys',
  '~app:*',
  '~__tc:*',
  'resetchannels',
  '&__tc:*',
  '-@all',
  ...['get', 'mget', 'set', 'unlink', 'del', 'scan', 'incrby', 'pttl', 'pexpire'].map((c) => `+${c}`),
  ...['evalsha', 'eval', 'publish', 'subscribe', 'unsubscribe', 'ping', 'info', 'quit'].map((c) => `+${c}`),
];

const runnable = hasBinary('redis-server') && hasBinary('openssl');

/** A logger that keeps every line, context included, as text. */
function capturingLogger(): { logger: CacheLogger; lines: string[] } {
  const lines: string[] = [];
  const keep =
    (level: string) =>
    (context: Record<string, unknown>, message: string): void => {
      lines.push(`${level} ${message} ${JSON.stringify(context, errorFields)}`);
    };
  return {
    logger: { debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') },
    lines,
  };
}

/** Errors as everything they carry: message, stack and causes. */
function errorFields(_key: string, value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  return { ...value, name: value.name, message: value.message, stack: value.stack, cause: value.cause };
}

describe.skipIf(!runnable)('Redis over TLS with an ACL user', () => {
  let certs: TestCertificates;
  let server: RunningServer & { tlsPort: number };
  beforeAll(async () => {
    certs = makeTestCertificates();
    server = await startTlsRedis(certs);
    const admin = new Redis({ host: '127.0.0.1', port: server.port });
    try {
      await admin.call('ACL', 'SETUSER', USER, ...ACL_RULES);
    } finally {
      admin.disconnect();
    }
  });
  afterAll(async () => {
    await server?.stop();
    certs?.remove();
  });

  it('works end to end over TLS as the limited user (options form and URL form)', async () => {
    const { logger, lines } = capturingLogger();
    for (const backend of [
      new RedisBackend({
        url: `rediss://127.0.0.1:${server.tlsPort}`,
        username: USER,
        password: PASSWORD,
        tls: { ca: certs.ca },
      }),
      new RedisBackend({
        url: `rediss://${USER}:${PASSWORD}@127.0.0.1:${server.tlsPort}`,
        tls: { ca: certs.ca },
      }),
    ]) {
      const cache = new CacheService({ backend, prefix: 'app:', logger });
      try {
        expect(await cache.set('user:1', { name: 'Ada' }, { tags: ['users'] })).toBe(true);
        expect(await cache.get('user:1')).toEqual({ name: 'Ada' });
        let loads = 0;
        const load = async (): Promise<string> => {
          loads++;
          return 'loaded';
        };
        expect(await cache.getOrSet('report', load, { tags: ['reports'] })).toBe('loaded');
        expect(await cache.getOrSet('report', load, { tags: ['reports'] })).toBe('loaded');
        expect(loads).toBe(1);
        await cache.invalidateTags(['users']);
        expect(await cache.get('user:1')).toBeUndefined();
        expect(await cache.set('page:a', 1)).toBe(true);
        expect(await cache.deletePattern('page:*')).toBe(1);
        expect(await cache.delete('report')).toBe(true);
        expect(await cache.health()).toMatchObject({ healthy: true, circuit: 'closed' });
        expect(cache.stats().errors).toBe(0);
      } finally {
        await cache.close();
      }
    }
    expect(lines.filter((line) => line.startsWith('error'))).toEqual([]);
  });

  it('refuses keys outside the user’s pattern, a wrong CA and a wrong password, never showing credentials', async () => {
    const { logger, lines } = capturingLogger();
    const reports: string[] = [];
    const cases = [
      // Outside `~app:*`: NOPERM, a failure reported like any other.
      new RedisBackend({
        url: `rediss://127.0.0.1:${server.tlsPort}`,
        username: USER,
        password: PASSWORD,
        tls: { ca: certs.ca },
      }),
      // A certificate the client does not trust.
      new RedisBackend({
        url: `rediss://${USER}:${PASSWORD}@127.0.0.1:${server.tlsPort}`,
        tls: { ca: certs.otherCa },
      }),
      // A wrong password, in the URL and as an option.
      new RedisBackend({
        url: `rediss://${USER}:${WRONG_PASSWORD}@127.0.0.1:${server.tlsPort}`,
        tls: { ca: certs.ca },
      }),
      new RedisBackend({
        url: `rediss://127.0.0.1:${server.tlsPort}`,
        username: USER,
        password: WRONG_PASSWORD,
        tls: { ca: certs.ca },
      }),
    ];
    for (const [index, backend] of cases.entries()) {
      const cache = new CacheService({
        backend,
        prefix: index === 0 ? 'other:' : 'app:',
        logger,
        resilience: { timeout: '2s' },
      });
      cache.on('error', ({ error }) => {
        reports.push(JSON.stringify(error, errorFields));
      });
      try {
        expect(await cache.set('k', 'v')).toBe(false);
        expect(await cache.get('k', 'fallback')).toBe('fallback');
        const health = await cache.health();
        reports.push(JSON.stringify(health, errorFields), backend.describe());
        if (index > 0) expect(health.healthy).toBe(false);
      } finally {
        await cache.close();
      }
    }
    const everything = [...lines, ...reports].join('\n');
    expect(reports.length).toBeGreaterThan(8);
    expect(everything).toMatch(/NOPERM/);
    expect(everything).toMatch(/certificate/i);
    expect(everything).toMatch(/WRONGPASS|invalid username-password/);
    for (const secret of [PASSWORD, WRONG_PASSWORD, `${USER}:`]) expect(everything).not.toContain(secret);
  });
});
