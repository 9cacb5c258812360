import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * CSRF protection for the dashboard's POSTs: a random token per dashboard, embedded in the page
 * (which only authorized requests can read; other sites cannot read it across origins), required
 * in the form, compared in constant time; and browsers' `Sec-Fetch-Site` / `Origin` headers, when
 * sent, must say the request comes from the same origin.
 */
export class CsrfGuard {
  readonly token = randomBytes(32).toString('base64url');
  readonly #bytes = Buffer.from(this.token);

  /** Why the request is refused, or `undefined` when it may go ahead. */
  refuse(
    form: URLSearchParams,
    headers: Readonly<Record<string, string | string[] | undefined>>,
  ): string | undefined {
    const site = header(headers['sec-fetch-site']);
    if (site !== undefined && site !== 'same-origin' && site !== 'none')
      return `cross-site request (${site})`;
    const origin = header(headers.origin);
    const host = header(headers.host);
    if (origin !== undefined && origin !== 'null' && host !== undefined) {
      let originHost: string;
      try {
        originHost = new URL(origin).host;
      } catch {
        return 'malformed Origin header';
      }
      if (originHost !== host) return 'Origin does not match Host';
    } else if (origin === 'null') {
      return 'opaque Origin';
    }
    const given = Buffer.from(form.get('csrf') ?? '');
    if (given.length !== this.#bytes.length || !timingSafeEqual(given, this.#bytes))
      return 'missing or wrong CSRF token';
    return undefined;
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
