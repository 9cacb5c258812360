import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The purge queue's timers (a second purge an hour away, a retry an hour away) never keep a
 * process alive: a script that invalidates and returns exits by itself. Run in a child process
 * (tsx, against the sources); the spawn timeout only bounds a failure.
 */
const core = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const retrying = `
import { CacheService, MemoryBackend, PurgeError } from ${JSON.stringify(core)};
const limited = {
  name: 'limited',
  batch: { maxTags: 10 },
  purge: async () => {
    console.log('tried');
    throw new PurgeError('HTTP', '429', { status: 429, retryable: true, retryAfterMs: 3_600_000 });
  },
};
const cache = new CacheService({ backend: new MemoryBackend(), purgers: [limited], purge: { maxRetryDelay: '2h' } });
await cache.invalidateTags(['a']);
`;
const probe = `
import { CacheService, MemoryBackend } from ${JSON.stringify(core)};
const ok = { name: 'ok', batch: { maxTags: 10 }, purge: async () => {} };
const cache = new CacheService({ backend: new MemoryBackend(), purgers: [ok], purge: { repurgeAfter: '1h' } });
cache.on('purge', (p) => console.log('purged', p.repurge));
await cache.invalidateTags(['a']);
await cache.settlePurges();
console.log('exiting');
`;

function run(source: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], {
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('purge timers', () => {
  it('a scheduled second purge does not keep the process alive', () => {
    const result = run(probe);
    expect(result.signal).toBeNull();
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual(['purged false', 'exiting']);
  });

  it('nor does a retry waiting for Retry-After when nobody awaits it', () => {
    const result = run(retrying);
    expect(result.signal).toBeNull();
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe('tried');
  });
});
