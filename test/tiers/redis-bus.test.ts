import { RedisBackend } from '@tagcache/core';
import { type BusMessage, type BusState, RedisBus } from '@tagcache/core/backend';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { hasBinary, startRedis } from '../support/servers.js';
import { redisClusterNodes, redisUrl } from '../support/test-servers.js';

const url = redisUrl();
const clusterNodes = redisClusterNodes();

/** A bus that records what it hears and its state changes (and starts: `connected` is asked). */
function listen(bus: RedisBus): { messages: BusMessage[]; states: BusState[] } {
  const heard = { messages: [] as BusMessage[], states: [] as BusState[] };
  bus.onState((state) => heard.states.push(state));
  bus.onMessage((message) => heard.messages.push(message));
  expect(bus.connected).toBe(false);
  return heard;
}

/** Polls `condition` (every 10 ms, up to 10 s): behaviour, never a duration, is asserted. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`never happened: ${what}`);
}

const ALL_KINDS: BusMessage[] = [
  {
    kind: 'tags',
    versions: [
      ['__tc:t:users', 'v2'],
      ['__tc:t:ünïcode|tag', ''],
    ],
  },
  { kind: 'delete', keys: ['app:a', 'app:b c', ''] },
  { kind: 'pattern', pattern: 'app:user:*' },
  { kind: 'write', keys: ['app:k'] },
  { kind: 'clear' },
];

const opened: { close(): Promise<void> }[] = [];
const track = <T extends { close(): Promise<void> }>(thing: T): T => {
  opened.push(thing);
  return thing;
};
afterEach(async () => {
  await Promise.all(opened.splice(0).map((thing) => thing.close()));
});

describe.skipIf(!url)('RedisBus on one Redis node', () => {
  it('delivers every kind of message to the other instances, never to the sender', async () => {
    const channel = `bus-test-${Date.now()}`;
    const [a, b, c] = [0, 1, 2].map(() => track(new RedisBus({ url: url!, channel })));
    const heard = [a!, b!, c!].map(listen);
    await until(() => a!.connected && b!.connected && c!.connected, 'all three subscribed');
    expect(heard.map((h) => h.states)).toEqual([['connected'], ['connected'], ['connected']]);
    for (const message of ALL_KINDS) a!.publish(message);
    await until(() => heard[1]!.messages.length === 5 && heard[2]!.messages.length === 5, 'delivery');
    expect(heard[1]!.messages).toEqual(ALL_KINDS);
    expect(heard[2]!.messages).toEqual(ALL_KINDS);
    b!.publish({ kind: 'clear' });
    await until(() => heard[0]!.messages.length === 1 && heard[2]!.messages.length === 6, 'reply');
    expect(heard[0]!.messages).toEqual([{ kind: 'clear' }]);
    expect(heard[1]!.messages).toHaveLength(5); // its own clear was dropped
  });

  it('opens no connection until it is used', async () => {
    const name = `bus-lazy-${Date.now()}`;
    const admin = new Redis(url!);
    const named = async (): Promise<number> =>
      String(await admin.client('LIST'))
        .split('\n')
        .filter((line) => line.includes(`name=${name}`)).length;
    const bus = track(new RedisBus({ url: url!, redisOptions: { connectionName: name } }));
    bus.onMessage(() => {});
    bus.onState(() => {});
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await named()).toBe(0);
    await until(() => bus.connected, 'subscribed after the first question');
    expect(await named()).toBe(2); // the publisher and the subscriber
    admin.disconnect();
  });

  it('ignores foreign bytes on its channel', async () => {
    const channel = `bus-foreign-${Date.now()}`;
    const bus = track(new RedisBus({ url: url!, channel }));
    const heard = listen(bus);
    await until(() => bus.connected, 'subscribed');
    const raw = new Redis(url!);
    await raw.publish(channel, 'not a bus message');
    await raw.publish(channel, Buffer.from([1, 0, 3, 97, 98]));
    track(new RedisBus({ url: url!, channel })).publish({ kind: 'write', keys: ['k'] });
    await until(() => heard.messages.length === 1, 'the real message');
    expect(heard.messages).toEqual([{ kind: 'write', keys: ['k'] }]);
    raw.disconnect();
  });

  it('a failed publish: disconnected until a clear covering it has reached the others', async () => {
    const channel = `bus-owed-${Date.now()}`;
    const publisher = new Redis(url!, { enableOfflineQueue: false });
    const a = track(new RedisBus({ client: publisher, channel }));
    const b = track(new RedisBus({ url: url!, channel }));
    const heard = [a, b].map(listen);
    await until(() => a.connected && b.connected, 'subscribed');
    publisher.disconnect(); // a's publishing connection only: b and a's subscriber stay up
    a.publish({ kind: 'write', keys: ['unheard'] });
    await until(() => !a.connected, 'a owes a clear');
    a.publish({ kind: 'delete', keys: ['covered'] }); // covered by the clear to come: not sent
    await publisher.connect();
    await until(() => a.connected, 'the clear went through');
    await until(() => heard[1]!.messages.length > 0, 'b heard it');
    expect(heard[1]!.messages).toEqual([{ kind: 'clear' }]);
    expect(heard[0]!.states).toEqual(['connected', 'disconnected', 'connected']);
    expect(heard[1]!.states).toEqual(['connected']);
    publisher.disconnect();
  });

  it('a backend gives a bus on its own server, publishing on its connection', async () => {
    const backend = new RedisBackend({ url: url! });
    const bus = backend.createBus();
    const other = track(new RedisBus({ url: url! }));
    const heard = listen(other);
    await until(() => bus.connected && other.connected, 'subscribed');
    bus.publish({ kind: 'pattern', pattern: 'p:*' });
    await until(() => heard.messages.length === 1, 'delivery');
    expect(heard.messages).toEqual([{ kind: 'pattern', pattern: 'p:*' }]);
    await bus.close();
    await backend.close();
  });
});

describe.skipIf(!url || !hasBinary('redis-server'))('RedisBus losing its connection', () => {
  it('is disconnected from CLIENT KILL TYPE pubsub until it has subscribed again', async () => {
    const server = await startRedis(); // its own server: the kill hits every subscriber on it
    const target = `redis://127.0.0.1:${server.port}`;
    track({ close: () => server.stop() });
    const [a, b] = [0, 1].map(() => track(new RedisBus({ url: target })));
    const heard = listen(b!);
    listen(a!);
    await until(() => a!.connected && b!.connected, 'subscribed');
    const admin = new Redis(target);
    await admin.client('KILL', 'TYPE', 'pubsub');
    await until(() => heard.states.includes('disconnected'), 'disconnect seen');
    expect(b!.connected).toBe(false);
    await until(() => b!.connected && a!.connected, 'reconnected');
    expect(heard.states).toEqual(['connected', 'disconnected', 'connected']);
    a!.publish({ kind: 'delete', keys: ['after'] });
    await until(() => heard.messages.length === 1, 'delivery after reconnection');
    admin.disconnect();
  });

  it('is disconnected while Redis is down and until it has subscribed again after the restart', async () => {
    let server = await startRedis();
    const port = server.port;
    const target = `redis://127.0.0.1:${port}`;
    const [a, b] = [0, 1].map(() => new RedisBus({ url: target }));
    const heard = [a!, b!].map(listen);
    try {
      await until(() => a!.connected && b!.connected, 'subscribed');
      await server.stop();
      await until(() => !a!.connected && !b!.connected, 'both disconnected');
      a!.publish({ kind: 'write', keys: ['lost'] }); // never throws
      server = await startRedis(port);
      await until(() => a!.connected && b!.connected, 'both reconnected');
      expect(heard.map((h) => h.states)).toEqual([
        ['connected', 'disconnected', 'connected'],
        ['connected', 'disconnected', 'connected'],
      ]);
    } finally {
      await a!.close();
      await b!.close();
      await server.stop();
    }
  });
});

describe.skipIf(!url || !hasBinary('redis-server'))('RedisBus on a frozen server (SIGSTOP)', () => {
  it('notices by its heartbeat, owes a clear for what it published meanwhile, recovers on SIGCONT', async () => {
    const server = await startRedis();
    track({ close: () => server.stop() });
    const target = `redis://127.0.0.1:${server.port}`;
    const [a, b] = [0, 1].map(() => track(new RedisBus({ url: target, timeoutMs: 200 })));
    const heard = [a!, b!].map(listen);
    await until(() => a!.connected && b!.connected, 'subscribed');
    process.kill(server.pid, 'SIGSTOP');
    try {
      // No socket closes: only the heartbeat can tell.
      await until(() => !a!.connected && !b!.connected, 'both disconnected');
      a!.publish({ kind: 'delete', keys: ['unheard'] }); // times out: a clear is owed
    } finally {
      process.kill(server.pid, 'SIGCONT');
    }
    await until(() => a!.connected && b!.connected, 'both reconnected');
    // b was disconnected too: whether the clear reached it or not, its L1 is cleared on reconnect.
    for (const h of heard) expect(h.states).toEqual(['connected', 'disconnected', 'connected']);
  });
});

describe.skipIf(!clusterNodes)('RedisBus on a Redis Cluster', () => {
  it('delivers between instances whose subscribers are pinned to random masters (6 instances, 3 masters)', async () => {
    const channel = `bus-cluster-${Date.now()}`;
    const buses = Array.from({ length: 6 }, () => track(new RedisBus({ clusterNodes, channel })));
    const heard = buses.map(listen);
    await until(() => buses.every((bus) => bus.connected), 'all subscribed');
    buses[0]!.publish({ kind: 'tags', versions: [['__tc:t:x', 'v9']] });
    await until(() => heard.slice(1).every((h) => h.messages.length === 1), 'delivery to all five');
    expect(heard[0]!.messages).toEqual([]);
    for (const h of heard.slice(1))
      expect(h.messages).toEqual([{ kind: 'tags', versions: [['__tc:t:x', 'v9']] }]);
  });
});
