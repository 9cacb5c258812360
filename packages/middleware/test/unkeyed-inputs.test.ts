import { describe, expect, it } from 'vitest';
import { requestInfo } from '../src/http/request-info.js';
import { inspectUnkeyedInputs } from '../src/http/unkeyed-inputs.js';

const inspect = (headers: Record<string, string>) =>
  inspectUnkeyedInputs(requestInfo('GET', '/p', { host: 'a.example', ...headers }, {}, 'http'));

describe('unkeyed inputs', () => {
  it('leaves a plain request alone, without allocating a verdict', () => {
    expect(inspect({ accept: 'text/html', 'content-length': '0' })).toBe(inspect({}));
    expect(inspect({})).toEqual({ refusal: undefined, keyPart: '' });
  });

  it('refuses a body, a missing host and method or URL overrides', () => {
    expect(inspect({ 'content-length': '13' }).refusal).toBe('body');
    expect(inspect({ 'transfer-encoding': 'chunked' }).refusal).toBe('body');
    expect(inspectUnkeyedInputs(requestInfo('GET', '/p', {}, {})).refusal).toBe('host');
    for (const name of ['x-http-method-override', 'x-original-url', 'x-rewrite-url']) {
      expect(inspect({ [name]: '/admin' }).refusal).toBe('override');
    }
  });

  it('accepts client addresses, refuses anything else in their headers', () => {
    for (const value of [
      '203.0.113.7',
      '203.0.113.7, 10.0.0.1',
      '203.0.113.7:4711',
      '[2001:db8::1]:80',
      'unknown',
    ]) {
      expect(inspect({ 'x-forwarded-for': value })).toEqual({ refusal: undefined, keyPart: '' });
    }
    for (const value of ['evil.example', '<script>', '203.0.113.7, x', '1.2.3.4:port']) {
      expect(inspect({ 'x-forwarded-for': value }).refusal).toBe('client-address');
      expect(inspect({ 'x-real-ip': value }).refusal).toBe('client-address');
    }
  });

  it('keys the forwarded family by value, and Forwarded without for=', () => {
    expect(inspect({ 'x-forwarded-proto': 'https', 'x-forwarded-host': 'b.example' })).toEqual({
      refusal: undefined,
      keyPart: '|f:x-forwarded-proto=https&x-forwarded-host=b.example',
    });
    expect(inspect({ 'x-forwarded-port': '443' }).keyPart).not.toBe(
      inspect({ 'x-forwarded-port': '80' }).keyPart,
    );
    expect(inspect({ 'x-forwarded-anything': 'm' }).keyPart).toBe('|f:x-forwarded-anything=m');
    expect(inspect({ forwarded: 'for=192.0.2.60;proto=http;by=203.0.113.43' }).keyPart).toBe(
      '|f:forwarded=proto%3Dhttp%3Bby%3D203.0.113.43',
    );
    expect(inspect({ forwarded: 'for="[2001:db8:cafe::17]:4711", for=_hidden' }).keyPart).toBe('');
    expect(inspect({ forwarded: 'for=evil;host=a.example' }).refusal).toBe('client-address');
  });
});
