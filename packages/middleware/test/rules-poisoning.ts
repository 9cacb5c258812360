import { type AddressInfo, connect } from 'node:net';
import { expect, it } from 'vitest';
import {
  CLIENT_ADDRESS_HEADERS,
  KEYED_FORWARDED_HEADERS,
  OVERRIDE_HEADERS,
} from '../src/http/unkeyed-inputs.js';
import type { RouteSpec, TestRequest } from './support/apps.js';
import type { SuiteContext } from './support/suite-context.js';

/** Known poisoning headers (Param Miner's list, trimmed to what Node frameworks and middleware read). */
const POISONING_HEADERS = [
  ...KEYED_FORWARDED_HEADERS,
  ...OVERRIDE_HEADERS,
  ...CLIENT_ADDRESS_HEADERS,
  'forwarded',
  'x-forwarded-path',
  'x-forwarded-ssl',
  'x-forwarded-server',
];

/** A page that reflects everything the framework resolves and every poisoning header, in its body and headers. */
const reflect = (req: TestRequest) => {
  const raw = Object.fromEntries(POISONING_HEADERS.map((name) => [name, req.headers[name] ?? null]));
  const origin = `${req.origin.protocol}://${req.origin.host}`;
  return {
    headers: { link: `<${origin}/login>; rel="login"`, 'x-seen-ip': req.origin.ip },
    body: { origin, ip: req.origin.ip, raw, login: `${origin}/login` },
  };
};

/** Web cache poisoning and cross-tenant isolation (issue 20), with the app's proxy trust off and on. */
export function poisoningRules({ setup, cached }: SuiteContext): void {
  for (const trustProxy of [false, true]) {
    const trust = trustProxy ? 'trust proxy on' : 'trust proxy off';

    it(`${trust}: two tenants on one app never see each other's pages`, async () => {
      const routes: RouteSpec[] = [
        { path: '/home', handle: (req) => ({ body: { tenant: req.origin.host } }) },
      ];
      const { http, calls } = await setup(routes, { appCache: cached(), trustProxy });
      for (const round of ['MISS', 'HIT']) {
        for (const tenant of ['a.example', 'b.example', 'c.example:8080']) {
          const res = await http.get('/home').set('Host', tenant);
          expect([res.body.tenant, res.headers['x-cache']]).toEqual([tenant, round]);
        }
      }
      expect(calls['/home']).toBe(3);
      // A tenant reached through the proxy is its own origin too.
      const viaProxy = await http.get('/home').set('Host', 'a.example').set('X-Forwarded-Host', 'b.example');
      expect(viaProxy.body.tenant).toBe(trustProxy ? 'b.example' : 'a.example');
      const again = await http.get('/home').set('Host', 'a.example');
      expect([again.body.tenant, again.headers['x-cache']]).toEqual(['a.example', 'HIT']);
    });

    it(`${trust}: a marker in a poisoning header or a Host variant never reaches a clean request`, async () => {
      const routes: RouteSpec[] = [{ path: '/p/:n', handle: reflect }];
      const { http } = await setup(routes, { appCache: cached(), trustProxy });
      const clean = async (path: string) => {
        const res = await http.get(path).set('Host', 'a.example');
        return { text: res.text, headers: JSON.stringify(res.headers), body: res.body };
      };
      let n = 0;
      for (const name of POISONING_HEADERS) {
        const marker = `tcpoison${++n}`;
        for (const value of [`${marker}.example`, `/${marker}`, `${marker}, 203.0.113.9`, `for=${marker}`]) {
          const path = `/p/${n}-${value.length}`;
          await http.get(path).set('Host', 'a.example').set(name, value);
          const after = await clean(path);
          expect(after.text, `${name}: ${value}`).not.toContain(marker);
          expect(after.headers, `${name}: ${value}`).not.toContain(marker);
          expect(after.body.origin).toBe('http://a.example');
        }
      }
      for (const host of ['A.EXAMPLE', 'a.example.', 'a.example:8080', 'tcpoison.example', 'a.example:1/x']) {
        const path = `/p/host-${++n}`;
        await http.get(path).set('Host', host);
        const after = await clean(path);
        expect(after.body.origin, host).toBe('http://a.example');
        expect(after.headers, host).not.toContain(host);
      }
    });

    it(`${trust}: a GET with a body is neither stored nor served from the cache`, async () => {
      const routes: RouteSpec[] = [
        {
          path: '/search',
          handle: (req) => ({ body: { q: (req.body as { q?: string } | undefined)?.q ?? 'none' } }),
        },
      ];
      const { http, calls } = await setup(routes, { appCache: cached(), trustProxy, parseJson: true });
      const fat = await http.get('/search').set('Host', 'a.example').send({ q: 'evil' });
      expect([fat.body.q, fat.headers['cache-status']]).toEqual([
        'evil',
        'tagcache; fwd=request; detail=body',
      ]);
      const plain = await http.get('/search').set('Host', 'a.example');
      expect([plain.body.q, plain.headers['x-cache']]).toEqual(['none', 'MISS']);
      const chunked = await http.get('/search').set('Host', 'a.example').set('Transfer-Encoding', 'chunked');
      expect(chunked.headers['cache-status']).toBe('tagcache; fwd=request; detail=body');
      const fatAgain = await http.get('/search').set('Host', 'a.example').send({ q: 'evil' });
      expect([fatAgain.body.q, fatAgain.headers['x-cache']]).toEqual(['evil', 'MISS']);
      const hit = await http.get('/search').set('Host', 'a.example');
      expect([hit.body.q, hit.headers['x-cache']]).toEqual(['none', 'HIT']);
      expect(calls['/search']).toBe(4);
    });
  }

  it('does not cache a request that names no host (HTTP/1.0 without Host)', async () => {
    const { server, calls } = await setup([{ path: '/home', handle: () => ({ body: 'home' }) }], {
      appCache: cached(),
    });
    const { port } = server.address() as AddressInfo;
    const rawGet = () =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.write('GET /home HTTP/1.0\r\n\r\n'));
        let text = '';
        socket.on('data', (chunk) => {
          text += String(chunk);
        });
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
    for (let i = 0; i < 2; i++) {
      const text = await rawGet();
      expect(text).toMatch(/^HTTP\/1\.1 200/);
      expect(text.toLowerCase()).toContain('cache-status: tagcache; fwd=request; detail=host');
    }
    expect(calls['/home']).toBe(2);
  });
}
