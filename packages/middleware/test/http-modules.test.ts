import { CacheService, CacheUsageError, MemoryBackend } from '@tagcache/core';
import { defaultKey, escapeKeyPart } from '@tagcache/middleware';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { isNotModified } from '../src/http/conditional.js';
import { compileTemplate } from '../src/http/key-template.js';
import { requestInfo } from '../src/http/request-info.js';
import { resolveSettings } from '../src/http/settings.js';
import type { StoredResponse } from '../src/http/stored-response.js';
import { formatTagHeader } from '../src/http/tag-header.js';

const silent = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
const req = (url: string, headers = {}, params = {}) => requestInfo('GET', url, headers, params);

describe('keys', () => {
  it('default key: HEAD reads as GET, query sorted by name, raw values escaped', () => {
    const host = { host: 'shop.example' };
    expect(defaultKey(req('/p?b=2&a=1', host))).toBe('http://shop.example GET /p?a=1&b=2');
    expect(defaultKey(requestInfo('HEAD', '/p', host, {}))).toBe('http://shop.example GET /p');
    // The raw value as sent, its `%` escaped: raw and decoded forms can never meet.
    expect(defaultKey(req('/p?a=1%26b%3D2', host))).toBe('http://shop.example GET /p?a=1%2526b%253D2');
    expect(defaultKey(req('/p?a=1%26b%3D2', host))).not.toBe(defaultKey(req('/p?a=1&b=2', host)));
    expect(defaultKey(req('/p?&&', host))).toBe('http://shop.example GET /p');
  });

  it('default key and {protocol}/{host} templates name the origin as the framework resolved it', () => {
    const at = (protocol: string, host: string | undefined) =>
      requestInfo('GET', '/p', {}, {}, protocol, host);
    expect(defaultKey(at('https', 'a.example:8443'))).toBe('https://a.example%3A8443 GET /p');
    const keys = ['a.example', 'b.example', 'A.example', 'a.example.', 'a.example:80'].map((host) =>
      defaultKey(at('http', host)),
    );
    expect(new Set(keys).size).toBe(keys.length);
    expect(defaultKey(at('https', 'a.example'))).not.toBe(defaultKey(at('http', 'a.example')));
    // A forged host cannot spell another origin's key: ':' and ' ' are escaped.
    expect(defaultKey(at('http', 'a.example GET /x'))).not.toBe(defaultKey(at('http', 'a.example')));
    const template = compileTemplate('{protocol}://{host}:{path}', 'key', true);
    expect(template(at('https', 'b.example'))).toBe('https://b.example:/p');
    expect(template(at('http', undefined))).toBe('http://~:/p');
  });

  it('default key: the query as the handler can tell it apart (raw bytes, qs merge order)', () => {
    const distinct: [string, string][] = [
      ['/p?q=caf%E9', '/p?q=caf%E8'],
      ['/p?a=x&a[]=y', '/p?a[]=y&a=x'],
      ['/p?a=x&a%5B%5D=y', '/p?a%5B%5D=y&a=x'],
      ['/p?a[b]=1&a.b=2', '/p?a.b=2&a[b]=1'],
      ['/p?q=1&q=2', '/p?q=2&q=1'],
      ['/p?q=a%zz%41', '/p?q=a%25zz%41'],
    ];
    for (const [a, b] of distinct) expect(defaultKey(req(a)), `${a} vs ${b}`).not.toBe(defaultKey(req(b)));
    // Different roots are still sorted: the common case keeps one entry.
    expect(defaultKey(req('/p?b[]=1&a=2&b[]=3'))).toBe(defaultKey(req('/p?a=2&b[]=1&b[]=3')));
  });

  it('templates escape values, mark absent ones and hash secret headers', () => {
    const key = compileTemplate(
      '{method}:{path}?{query.page}|{headers.authorization}|{params.id}',
      'key',
      true,
    );
    expect(key(req('/x?page=2', { authorization: 'Bearer s3cret' }, { id: 'a:b' }))).toMatch(
      /^GET:\/x\?2\|h\.[\w-]{22}\|a%3Ab$/,
    );
    expect(key(req('/x'))).toBe('GET:/x?~|~|~');
    expect(key(req('/x?page=~'))).toBe('GET:/x?%7E|~|~');
  });

  it('rejects templates whose placeholders could run together, and unknown placeholders', () => {
    expect(() => compileTemplate('{query.a}{query.b}', 'key', true)).toThrow(CacheUsageError);
    expect(() => compileTemplate('{query.a}-{query.b}', 'key', true)).toThrow(CacheUsageError);
    expect(() => compileTemplate('{nope}', 'key', true)).toThrow(/unknown placeholder/);
    expect(compileTemplate('{query.a}:{query.b}', 'key', true)(req('/?a=x:&b=y'))).toBe('x%3A:y');
  });

  it('escapeKeyPart keeps safe characters and encodes the rest as UTF-8', () => {
    expect(escapeKeyPart('abc-1._/')).toBe('abc-1._/');
    expect(escapeKeyPart('a,b\r\n é')).toBe('a%2Cb%0D%0A%20%C3%A9');
    expect(escapeKeyPart('127.0.0.1:3000')).toBe('127.0.0.1%3A3000');
  });

  it('escapeKeyPart gives every string the key it always had (per UTF-8 byte, lone surrogates too)', () => {
    const perByte = (value: string): string =>
      [...Buffer.from(value, 'utf8')]
        .map((byte) =>
          byte < 0x80 && /[A-Za-z0-9\-._/]/.test(String.fromCharCode(byte))
            ? String.fromCharCode(byte)
            : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
        )
        .join('');
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme-ascii' })),
        (value) => {
          expect(escapeKeyPart(value)).toBe(perByte(value));
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('options', () => {
  const cache = new CacheService({ backend: new MemoryBackend() });
  it('credentials need a key that includes them', () => {
    expect(() => resolveSettings({ cache, allowAuthorization: true })).toThrow(/allowAuthorization/);
    expect(() => resolveSettings({ cache, allowCookies: true, key: '{path}' })).toThrow(/headers.cookie/);
    expect(resolveSettings({ cache, allowCookies: true, key: '{path} {headers.cookie}' }).allowCookies).toBe(
      true,
    );
  });
  it('validates durations, sizes and header names', () => {
    expect(() => resolveSettings({ cache, ttl: -1 })).toThrow(CacheUsageError);
    expect(() => resolveSettings({ cache, maxBodySize: 0 })).toThrow(/maxBodySize/);
    expect(() => resolveSettings({ cache, tagHeader: { name: 'Bad Name', separator: ',' } })).toThrow(
      /tag header/,
    );
  });
});

describe('tag header', () => {
  it('dedupes, drops tags that could inject a header or split, and cuts at a tag boundary', () => {
    const comma = { name: 'Cache-Tag', separator: ',' } as const;
    expect(formatTagHeader(['a', 'a', 'b,c', 'd\ne', 'ü', 'f'], comma, 100, silent)).toBe('a,f');
    expect(formatTagHeader(['aaa', 'bbb', 'ccc'], comma, 8, silent)).toBe('aaa,bbb');
    expect(formatTagHeader(['a b', 'c'], { name: 'Surrogate-Key', separator: ' ' }, 100, silent)).toBe('c');
  });
});

describe('conditional requests', () => {
  const stored = {
    status: 200,
    etag: 'W/"abc"',
    storedAt: Date.parse('2025-01-02T00:00:00Z'),
    headers: [['last-modified', 'Wed, 01 Jan 2025 00:00:00 GMT']],
  } as unknown as StoredResponse;
  it('If-None-Match uses weak comparison and wins over If-Modified-Since', () => {
    expect(isNotModified({ 'if-none-match': '"abc"' }, stored)).toBe(true);
    expect(isNotModified({ 'if-none-match': '"x", W/"abc"' }, stored)).toBe(true);
    expect(isNotModified({ 'if-none-match': '*' }, stored)).toBe(true);
    expect(
      isNotModified({ 'if-none-match': '"x"', 'if-modified-since': 'Fri, 01 Jan 2027 00:00:00 GMT' }, stored),
    ).toBe(false);
  });
  it('If-Modified-Since compares with Last-Modified', () => {
    expect(isNotModified({ 'if-modified-since': 'Wed, 01 Jan 2025 00:00:00 GMT' }, stored)).toBe(true);
    expect(isNotModified({ 'if-modified-since': 'Tue, 31 Dec 2024 00:00:00 GMT' }, stored)).toBe(false);
    expect(isNotModified({ 'if-modified-since': 'garbage' }, stored)).toBe(false);
  });
  it('ignores If-Modified-Since that is not an HTTP-date, and every precondition on a non-2xx', () => {
    for (const since of ['3000', '2030-01-01', 'Wed, 01 Jan 2031', '2030-01-01T00:00:00Z'])
      expect(isNotModified({ 'if-modified-since': since }, stored), since).toBe(false);
    expect(isNotModified({ 'if-modified-since': 'Sunday, 06-Nov-30 08:49:37 GMT' }, stored)).toBe(true);
    expect(isNotModified({ 'if-modified-since': 'Sun Nov  6 08:49:37 2044' }, stored)).toBe(true);
    const gone = { ...stored, status: 404 } as StoredResponse;
    expect(isNotModified({ 'if-none-match': '*' }, gone)).toBe(false);
    expect(isNotModified({ 'if-modified-since': 'Fri, 01 Jan 2027 00:00:00 GMT' }, gone)).toBe(false);
  });
});

describe('options', () => {
  it('an option cacheResponses does not take (a typo) is refused, naming the closest', () => {
    const cache = new CacheService({ backend: new MemoryBackend() });
    const resolve = (options: object) => () =>
      resolveSettings({ cache, ...options } as Parameters<typeof resolveSettings>[0]);
    expect(resolve({ tll: 60 })).toThrow(CacheUsageError);
    expect(resolve({ tll: 60 })).toThrow(
      /^options\.tll: unknown key \(did you mean 'ttl'\?\); cacheResponses takes cache, ttl, /,
    );
    expect(resolve({ staleWhileRevalidate: 60 })).toThrow(/^options\.staleWhileRevalidate: unknown key; /);
    expect(resolve({ ttl: 60, swr: 30, xCache: false })).not.toThrow();
  });
});
