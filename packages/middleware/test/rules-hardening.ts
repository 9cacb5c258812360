import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import type { SuiteContext } from './support/suite-context.js';

/** Holes of an adversarial pass (issue 22): late headers, truncated bodies, Vary fallbacks, keys, heads. */
export function hardeningRules(_framework: string, { setup, cached }: SuiteContext): void {
  it('never stores a response whose session middleware (mounted before the cache) sets its cookie late', async () => {
    let issued = 0;
    const { http, calls } = await setup(
      [
        {
          path: '/form',
          cache: cached(),
          handle: (req) => {
            const csrf = `token-${++issued}`;
            if (req.session) req.session.csrf = csrf;
            return { body: { csrf } };
          },
        },
      ],
      { session: true },
    );
    const first = await http.get('/form');
    expect(first.body).toEqual({ csrf: 'token-1' });
    expect(first.headers['set-cookie']).toBeDefined();
    // An anonymous visitor must never get the first visitor's session-bound page.
    const second = await http.get('/form');
    expect(second.body).toEqual({ csrf: 'token-2' });
    expect(second.headers['x-cache']).toBe('MISS');
    expect(calls['/form']).toBe(2);
  });

  it('never stores a body shorter than its declared Content-Length (an upstream that died mid-body)', async () => {
    const { http, calls } = await setup([
      {
        path: '/cut',
        cache: cached(),
        handle: () => ({
          headers: { 'content-type': 'text/plain', 'content-length': '100', connection: 'close' },
          stream: () => Readable.from([Buffer.alloc(50, 'x')]),
        }),
      },
    ]);
    for (let i = 0; i < 2; i++) {
      const res = await http.get('/cut').then(
        (reply) => reply,
        () => undefined,
      );
      expect(res?.headers['x-cache']).not.toBe('HIT');
    }
    expect(calls['/cut']).toBe(2);
  });
}
