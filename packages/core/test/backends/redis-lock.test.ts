import { RedisBackend } from '@tagcache/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl } from '../../../../test/support/test-servers.js';

const url = redisUrl();

describe.skipIf(!url)('RedisLockProvider', () => {
  // Long wait slices: a waiter can only come back early because the release woke it.
  let holder: RedisBackend;
  let waiter: RedisBackend;
  const key = `__tc:l:lock-test-${Date.now()}`;

  beforeAll(() => {
    holder = new RedisBackend({ url });
    waiter = new RedisBackend({ url, lock: { waitSliceMs: 60_000 } });
  });
  afterAll(async () => {
    await holder?.close();
    await waiter?.close();
  });

  it('lets one owner hold a lock, and only the owner release it', async () => {
    const first = await holder.locks.acquire(key, 10_000);
    expect(first.ok && first.value).toBeTruthy();
    const second = await waiter.locks.acquire(key, 10_000);
    expect(second).toEqual({ ok: true, value: undefined });
    if (!first.ok || !first.value) throw new Error('no lock');
    expect(await first.value.extend(20_000)).toEqual({ ok: true, value: true });
    expect(await first.value.release()).toEqual({ ok: true, value: true });
    // Released: the old owner's release and extend are no-ops from now on.
    const third = await waiter.locks.acquire(key, 10_000);
    if (!third.ok || !third.value) throw new Error('expected the lock to be free');
    expect(await first.value.release()).toEqual({ ok: true, value: false });
    expect(await first.value.extend(10_000)).toEqual({ ok: true, value: false });
    expect(await holder.locks.acquire(key, 10_000)).toEqual({ ok: true, value: undefined });
    await third.value.release();
  });

  it('wakes a waiter by pub/sub when the lock is released', async () => {
    const held = await holder.locks.acquire(key, 30_000);
    if (!held.ok || !held.value) throw new Error('no lock');
    let woken = false;
    const waiting = waiter.locks.waitForRelease(key, 60_000).then(() => {
      woken = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(woken).toBe(false);
    await held.value.release();
    await waiting; // with 60 s slices, only the release message can end this within the test timeout
    expect(woken).toBe(true);
  });

  it('returns at once when the lock is already free', async () => {
    await waiter.locks.waitForRelease(`${key}-free`, 60_000);
  });

  it('reports a dead lock store as an error, not a throw', async () => {
    const dead = new RedisBackend({ url: 'redis://127.0.0.1:1' });
    const acquired = await dead.locks.acquire(key, 1_000);
    expect(acquired.ok).toBe(false);
    if (!acquired.ok) expect(acquired.error.code).toBe('CONNECTION');
    await dead.locks.waitForRelease(key, 20);
    await dead.close();
  });
});
