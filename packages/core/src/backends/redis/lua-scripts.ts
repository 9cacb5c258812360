import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

/**
 * The entry and its tags' versions in one round trip (single node only: the tag keys are not
 * declared in KEYS, which Redis Cluster forbids). Reads the tag names from the entry header
 * (`tc1:<n>:{<len>:<name><len>:<version>}*...`, see `entry/entry-codec.ts`) and MGETs
 * `ARGV[1] .. name` for each. Returns `false` on a miss, `{entry}` for an entry without tags
 * (or foreign bytes), `{entry, versions}` otherwise.
 */
export const GET_TAGGED_SCRIPT = `
local entry = redis.call('GET', KEYS[1])
if not entry then return false end
if string.sub(entry, 1, 4) ~= 'tc1:' then return {entry} end
local pos = 5
local function num()
  local colon = string.find(entry, ':', pos, true)
  if not colon or colon == pos or colon - pos > 15 then return nil end
  local digits = string.sub(entry, pos, colon - 1)
  -- Digits only, as the JS decoder: tonumber() also takes '-5', '0x1f' or '1e3', and a negative
  -- length would move pos backwards and loop forever on planted bytes (Redis BUSY for everyone).
  if string.find(digits, '%D') then return nil end
  pos = colon + 1
  return tonumber(digits)
end
local count = num()
if not count or count == 0 then return {entry} end
local keys = {}
for i = 1, count do
  local len = num()
  if not len then return {entry} end
  keys[i] = ARGV[1] .. string.sub(entry, pos, pos + len - 1)
  pos = pos + len
  local vlen = num()
  if not vlen then return {entry} end
  pos = pos + vlen
end
local versions = {}
for first = 1, count, 500 do
  local last = math.min(first + 499, count)
  local part = redis.call('MGET', unpack(keys, first, last))
  for i = 1, #part do versions[first + i - 1] = part[i] end
end
return {entry, versions}
`;

/** INCRBY, giving the key a time to live when it has none (a new counter). */
export const INCR_SCRIPT = `
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if ARGV[2] ~= '' and redis.call('PTTL', KEYS[1]) == -1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return value
`;

/** Compare-and-delete: releases the lock only for its owner, then announces it on ARGV[2]. */
export const RELEASE_LOCK_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], KEYS[1])
  return 1
end
return 0
`;

/** Compare-and-pexpire: extends the lock only for its owner. */
export const EXTEND_LOCK_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;

/** A Lua script run by EVALSHA, falling back to EVAL once when the server does not know it. */
export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script with one key; replies come back as Buffers. */
  run(client: Redis | Cluster, key: string, ...args: (string | number)[]): Promise<unknown> {
    // ioredis has `evalshaBuffer`/`evalBuffer` at run time but does not declare them. (`callBuffer`
    // would do, but breaks ioredis' auto-pipelining on a cluster.)
    const buffered = client as unknown as BufferedEval;
    return buffered.evalshaBuffer(this.sha, 1, key, ...args).catch((error: unknown) => {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      // EVAL also loads the script into the server's cache, so the next EVALSHA finds it.
      return buffered.evalBuffer(this.source, 1, key, ...args);
    });
  }
}

interface BufferedEval {
  evalshaBuffer(sha: string, keys: number, ...args: (string | number)[]): Promise<unknown>;
  evalBuffer(script: string, keys: number, ...args: (string | number)[]): Promise<unknown>;
}
