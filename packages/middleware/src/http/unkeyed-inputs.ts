import { isIP } from 'node:net';
import { escapeKeyPart } from './key-template.js';
import { headerValue, type RequestInfo } from './request-info.js';

/**
 * Web cache poisoning guards: request inputs outside the key that a framework or a popular
 * middleware lets change the response (J. Kettle, "Practical Web Cache Poisoning", 2018).
 * Each is either put in the key, or keeps the request away from the cache.
 */

/** Why a request may neither read nor fill the cache (`Cache-Status: …; fwd=request; detail=`). */
export type RequestRefusal =
  /** A `GET`/`HEAD` with a body: a body parser hands it to the handler, the key cannot name it. */
  | 'body'
  /** No host (an HTTP/1.0 request without `Host`): the origin is unknown. */
  | 'host'
  /** A method or URL override header: the handler would see another request than the key names. */
  | 'override'
  /** A client-address header whose value is not a list of IP addresses. */
  | 'client-address';

/** Method and URL overrides (method-override, IIS / Symfony / Zend rewrites): the request is refused. */
export const OVERRIDE_HEADERS: readonly string[] = [
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
  'x-original-url',
  'x-rewrite-url',
  'x-original-method',
];

/**
 * Headers carrying the client's address (Express `req.ip`, Koa `ctx.ip` read `X-Forwarded-For`
 * when the app trusts its proxy): allowed only as lists of IP addresses (a port, or `unknown`,
 * allowed), never keyed (every client differs). Other values refuse the request.
 */
export const CLIENT_ADDRESS_HEADERS: readonly string[] = [
  'x-forwarded-for',
  'x-real-ip',
  'x-client-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'fastly-client-ip',
  'x-cluster-client-ip',
  'x-original-forwarded-for',
];

/**
 * Proxy headers that describe the origin (host, scheme, port, prefix, server): their values go
 * into the key, so a request carrying a value of its own gets an entry of its own. Besides
 * these, every other `x-forwarded-*` header is keyed, and `Forwarded` (RFC 7239) is keyed
 * without its `for=` elements, which are checked like {@link CLIENT_ADDRESS_HEADERS}.
 */
export const KEYED_FORWARDED_HEADERS: readonly string[] = [
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-forwarded-prefix',
  'x-forwarded-server',
  'x-forwarded-scheme',
  'x-forwarded-ssl',
  'x-forwarded-uri',
  'x-host',
  'x-original-host',
  'x-url-scheme',
  'front-end-https',
];

type Rule = 'body' | 'override' | 'address' | 'keyed' | 'forwarded';

const RULES = new Map<string, Rule>([
  ['content-length', 'body'],
  ['transfer-encoding', 'body'],
  ['forwarded', 'forwarded'],
  ...OVERRIDE_HEADERS.map((name) => [name, 'override'] as const),
  ...CLIENT_ADDRESS_HEADERS.map((name) => [name, 'address'] as const),
  ...KEYED_FORWARDED_HEADERS.map((name) => [name, 'keyed'] as const),
]);

/** What a request's unkeyed inputs demand of the cache. */
export interface UnkeyedInputs {
  /** Set when the request may not use the cache at all. */
  readonly refusal: RequestRefusal | undefined;
  /** Appended to the key: `''`, or `|f:` and the forwarded-family values (`name=value&…`). */
  readonly keyPart: string;
}

const NONE: UnkeyedInputs = { refusal: undefined, keyPart: '' };

/**
 * Inspects a request's headers in one pass over their names. Allocates nothing for a request
 * without a body, override or proxy header (the common direct request). Keyed headers enter
 * the key in the order received: a proxy sends them in one order, and another order only
 * costs a separate entry, never a wrong one.
 */
export function inspectUnkeyedInputs(request: RequestInfo): UnkeyedInputs {
  if (request.host === undefined) return { refusal: 'host', keyPart: '' };
  const headers = request.headers;
  let keyPart = '';
  for (const name in headers) {
    const rule = RULES.get(name) ?? (name.startsWith('x-forwarded-') ? 'keyed' : undefined);
    if (rule === undefined) continue;
    let value = headerValue(headers, name) ?? '';
    if (rule === 'body') {
      if (name === 'transfer-encoding' || Number(value) !== 0) return { refusal: 'body', keyPart: '' };
      continue;
    }
    if (rule === 'override') return { refusal: 'override', keyPart: '' };
    if (rule === 'address') {
      if (!value.split(',').every(isAddress)) return { refusal: 'client-address', keyPart: '' };
      continue;
    }
    if (rule === 'forwarded') {
      const kept = forwardedWithoutFor(value);
      if (kept === undefined) return { refusal: 'client-address', keyPart: '' };
      if (kept === '') continue;
      value = kept;
    }
    keyPart += `${keyPart === '' ? '|f:' : '&'}${name}=${escapeKeyPart(value)}`;
  }
  return keyPart === '' ? NONE : { refusal: undefined, keyPart };
}

/**
 * `Forwarded` without its `for=` pairs (`''` when nothing else is left), or `undefined` when a
 * `for=` value is not an address (RFC 7239 §6: an IP, `unknown`, or an `_obfuscated` name).
 */
function forwardedWithoutFor(value: string): string | undefined {
  const kept: string[] = [];
  for (const pair of value.split(/[,;]/)) {
    const equals = pair.indexOf('=');
    if (pair.slice(0, equals).trim().toLowerCase() !== 'for') {
      if (pair.trim() !== '') kept.push(pair.trim());
      continue;
    }
    const node = unquote(pair.slice(equals + 1).trim());
    if (!isAddress(node) && !/^_[A-Za-z0-9._-]+$/.test(node)) return undefined;
  }
  return kept.join(';');
}

/** An IP address, optionally with a port (`1.2.3.4:80`, `[::1]:80`), or `unknown`. */
function isAddress(item: string): boolean {
  const value = unquote(item.trim());
  if (value === 'unknown' || isIP(value) !== 0) return true;
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    const port = value.slice(end + 1);
    return end !== -1 && isIP(value.slice(1, end)) === 6 && (port === '' || /^:\d{1,5}$/.test(port));
  }
  const colon = value.lastIndexOf(':');
  return colon > 0 && /^\d{1,5}$/.test(value.slice(colon + 1)) && isIP(value.slice(0, colon)) === 4;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}
