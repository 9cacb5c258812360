import { CacheUsageError, hashString } from '@tagcache/core';
import { headerValue, type RequestInfo } from './request-info.js';

/** A compiled template: turns a request into a string. */
export type CompiledTemplate = (request: RequestInfo) => string;

type Part = string | ((request: RequestInfo) => string | undefined);

/** Headers whose values are secrets: they enter keys hashed, never in clear. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);

/** Marks a value that is absent (no such query parameter, header or route parameter). */
const ABSENT = '~';

/**
 * Escapes a value for a key or a tag: everything but `A-Z a-z 0-9 - . _ /` is
 * percent-encoded (UTF-8), so a value can never contain a template's separators (`:`, `?`,
 * `&`, `=`, `,`, space, CR/LF...) and one request can never forge another's key or inject
 * a header through a tag. Use it to build the tags you invalidate from raw values.
 */
export function escapeKeyPart(value: string): string {
  // Most values need nothing: a table lookup per character, no regular expression (a hit
  // escapes the path of every request).
  let i = 0;
  while (i < value.length) {
    const code = value.charCodeAt(i);
    if (code >= 0x80 || KEEPS[code] !== 1) break;
    i++;
  }
  if (i === value.length) return value;
  // ASCII (a host with a port, a path with a colon): escaped character by character.
  let out = '';
  let from = 0;
  for (; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0x80) return escapeUtf8(value);
    if (KEEPS[code] === 1) continue;
    out += value.slice(from, i) + PERCENT[code]!;
    from = i + 1;
  }
  return out + value.slice(from);
}

/** Per ASCII code: 1 when {@link escapeKeyPart} keeps the character. */
const KEEPS = Uint8Array.from({ length: 0x80 }, (_, code) =>
  /[A-Za-z0-9\-._/]/.test(String.fromCharCode(code)) ? 1 : 0,
);
/** Per byte: its percent-encoding (`%3A`). */
const PERCENT = Array.from(
  { length: 0x100 },
  (_, byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
);

/** {@link escapeKeyPart} of a value with non-ASCII characters: per UTF-8 byte. */
function escapeUtf8(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8'))
    out += byte < 0x80 && KEEPS[byte] === 1 ? String.fromCharCode(byte) : PERCENT[byte]!;
  return out;
}

/** Whether a literal between two placeholders separates them unambiguously. */
function separates(literal: string): boolean {
  return /[^A-Za-z0-9\-._/%~]/.test(literal);
}

/**
 * Compiles `'{host}:{method}:{path}?{query.page}'`-style templates. Placeholders:
 * `{protocol}` and `{host}` (as the framework resolves them, honouring its proxy trust),
 * `{method}` (`HEAD` reads as `GET`), `{path}`, `{url}`, `{query.X}`, `{params.X}`, `{headers.X}`.
 * Values are escaped ({@link escapeKeyPart}), absent ones read `~`, secret headers
 * (`authorization`, `cookie`) are hashed. With `strict`, two placeholders must be separated
 * by a character that escaped values cannot contain (such as `:`, `?`, `|` or a space), so
 * the key determines every value.
 */
export function compileTemplate(template: string, field: string, strict: boolean): CompiledTemplate {
  const parts: Part[] = [];
  const pattern = /\{([^{}]*)\}/g;
  let last = 0;
  let previousWasValue = false;
  for (let match = pattern.exec(template); match !== null; match = pattern.exec(template)) {
    const literal = template.slice(last, match.index);
    if (strict && previousWasValue && !separates(literal)) {
      throw new CacheUsageError(
        `placeholders in '${template}' must be separated by a character such as ':', '?', '|' or a space`,
        field,
      );
    }
    if (literal) parts.push(literal);
    parts.push(placeholder(match[1]!.trim(), template, field));
    previousWasValue = true;
    last = match.index + match[0].length;
  }
  const tail = template.slice(last);
  if (/[{}]/.test(tail) || /[{}]/.test(template.replace(pattern, ''))) {
    throw new CacheUsageError(`unbalanced braces in template '${template}'`, field);
  }
  if (tail) parts.push(tail);
  if (parts.every((part) => typeof part === 'string')) {
    const constant = parts.join('');
    return () => constant;
  }
  return (request) => {
    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') out += part;
      else {
        const value = part(request);
        out += value === undefined ? ABSENT : value;
      }
    }
    return out;
  };
}

function placeholder(
  name: string,
  template: string,
  field: string,
): (request: RequestInfo) => string | undefined {
  if (name === 'method')
    return (request) => (request.method === 'HEAD' ? 'GET' : escapeKeyPart(request.method));
  if (name === 'path') return (request) => escapeKeyPart(request.path);
  if (name === 'protocol') return (request) => escapeKeyPart(request.protocol);
  if (name === 'host')
    return (request) => (request.host === undefined ? undefined : escapeKeyPart(request.host));
  if (name === 'url') return (request) => escapeKeyPart(request.url);
  const dot = name.indexOf('.');
  const scope = dot === -1 ? name : name.slice(0, dot);
  const key = dot === -1 ? '' : name.slice(dot + 1);
  if (key !== '') {
    if (scope === 'query') {
      return (request) => {
        const values = request.query.getAll(key);
        return values.length === 0 ? undefined : values.map(escapeKeyPart).join(',');
      };
    }
    if (scope === 'params') {
      return (request) => {
        const value = request.params[key];
        return value === undefined ? undefined : escapeKeyPart(value);
      };
    }
    if (scope === 'headers') {
      const header = key.toLowerCase();
      const secret = SECRET_HEADERS.has(header);
      return (request) => {
        const value = headerValue(request.headers, header);
        if (value === undefined) return undefined;
        return secret ? `h.${hashString(value)}` : escapeKeyPart(value);
      };
    }
  }
  throw new CacheUsageError(
    `unknown placeholder '{${name}}' in '${template}' (use {protocol}, {host}, {method}, {path}, {url}, {query.X}, {params.X}, {headers.X})`,
    field,
  );
}

/** Whether a template reads the given request header. */
export function templateReadsHeader(template: string, header: string): boolean {
  const pattern = /\{\s*headers\.([^{}\s]+)\s*\}/g;
  for (let match = pattern.exec(template); match !== null; match = pattern.exec(template)) {
    if (match[1]!.toLowerCase() === header) return true;
  }
  return false;
}
