import { hashString } from '../../keys/stable-hash.js';

/** Longest key memcached accepts, in bytes. */
export const MAX_KEY_BYTES = 250;
/** Separates the readable part of a hashed key from its digest; never left in a plain key. */
const MARKER = '#~';
const READABLE_BYTES = 180;

/**
 * The memcached key for a cache key. Keys of at most 250 bytes without spaces or control
 * characters are used as they are. Others become `<readable prefix>#~<sha-256, 22 chars>`: the
 * prefix keeps logs and `stats cachedump` legible, the digest keeps keys apart. A plain key
 * containing `#~` is hashed too, so no plain key can ever equal a hashed one.
 */
export function memcachedKey(key: string): string {
  if (!hasUnsafeCharacter(key) && !key.includes(MARKER) && Buffer.byteLength(key) <= MAX_KEY_BYTES)
    return key;
  let readable = '';
  for (const ch of key.slice(0, READABLE_BYTES))
    readable += isUnsafe(ch.charCodeAt(0)) || ch === '#' ? '_' : ch;
  while (Buffer.byteLength(readable) > READABLE_BYTES) readable = readable.slice(0, -1);
  return `${readable}${MARKER}${hashString(key)}`;
}

/** Longest relative expiry memcached takes; above it, an expiry is a unix time. */
const THIRTY_DAYS_S = 30 * 24 * 60 * 60;

/**
 * Memcached's expiry for a TTL in ms: whole seconds, rounded up (memcached's clock ticks once a
 * second, so an entry lives between `s - 1` and `s` seconds); beyond 30 days an absolute unix
 * time, as the protocol requires; 0 (never) without a TTL.
 */
export function memcachedExpiry(ttlMs: number | undefined, now = Date.now()): number {
  if (ttlMs === undefined || !Number.isFinite(ttlMs) || ttlMs <= 0) return 0;
  const seconds = Math.ceil(ttlMs / 1000);
  return seconds > THIRTY_DAYS_S ? Math.floor(now / 1000) + seconds : seconds;
}

/** Space, control characters and DEL: memcached's text protocol cannot carry them in a key. */
function isUnsafe(code: number): boolean {
  return code <= 0x20 || code === 0x7f;
}

function hasUnsafeCharacter(key: string): boolean {
  for (let i = 0; i < key.length; i++) if (isUnsafe(key.charCodeAt(i))) return true;
  return false;
}
