import { randomBytes } from 'node:crypto';
import { CacheUsageError } from '@tagcache/core';
import { CsrfGuard } from './csrf.js';
import { type DashboardOptions, type DashboardSettings, resolveDashboardSettings } from './options.js';
import { renderPage } from './page.js';
import { DashboardRecorder } from './recorder.js';
import { dashboardState } from './state.js';
import { previewValue } from './value-preview.js';

/** A request as an adapter presents it: the path below the dashboard's mount point. */
export interface DashboardRequest {
  readonly method: string;
  /** `''`, `'/'`, `'/state.json'`, `'/invalidate'`, `'/delete'`, `'/value'` (with `showValues`)… */
  readonly path: string;
  /** Where the dashboard is mounted (`'/_cache'`), for the page's links. */
  readonly base: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The url-encoded body (read only for POSTs). */
  readForm(): Promise<URLSearchParams>;
}

/** What the adapter sends back. */
export interface DashboardReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const MAX_FIELD = 4096;

/** The dashboard, framework-neutral: authorization, the page, its figures and its actions. */
export class Dashboard<Native> {
  readonly settings: DashboardSettings<Native>;
  readonly recorder: DashboardRecorder;
  readonly #csrf = new CsrfGuard();

  constructor(options: DashboardOptions<Native>) {
    this.settings = resolveDashboardSettings(options);
    this.recorder = new DashboardRecorder(this.settings as DashboardSettings<never>);
  }

  /** Answers a request under the mount point. `authorize` runs first, for every path. */
  async handle(request: DashboardRequest, native: Native): Promise<DashboardReply> {
    let allowed = false;
    try {
      allowed = (await this.settings.authorize(native)) === true;
    } catch {
      allowed = false;
    }
    if (!allowed) return text(403, 'Forbidden');
    const path = request.path === '' ? '/' : request.path;
    if (request.method === 'GET' || request.method === 'HEAD') {
      if (path === '/') return this.#page(request.base);
      if (path === '/state.json') return json(200, await dashboardState(this.recorder));
      return text(404, 'Not found');
    }
    if (path === '/value' && !this.settings.showValues) return text(404, 'Not found');
    if (request.method === 'POST' && (path === '/invalidate' || path === '/delete' || path === '/value')) {
      return this.#action(request, path);
    }
    return {
      ...text(405, 'Method not allowed'),
      headers: { ...text(405, '').headers, allow: 'GET, HEAD, POST' },
    };
  }

  /** Stops the dashboard's timer and listeners. */
  close(): void {
    this.recorder.close();
  }

  #page(base: string): DashboardReply {
    const nonce = randomBytes(16).toString('base64');
    const body = renderPage({
      base,
      csrf: this.#csrf.token,
      nonce,
      caches: this.settings.caches.map((c) => c.name),
      refreshMs: this.settings.refreshMs,
      showValues: this.settings.showValues,
    });
    const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;
    return {
      status: 200,
      headers: {
        ...SECURITY_HEADERS,
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': csp,
      },
      body,
    };
  }

  async #action(request: DashboardRequest, path: string): Promise<DashboardReply> {
    const type = String(request.headers['content-type'] ?? '');
    const wantsJson = String(request.headers.accept ?? '').includes('application/json');
    const answer = (status: number, ok: boolean, message: string): DashboardReply =>
      wantsJson || !ok
        ? json(status, { ok, message })
        : { status: 303, headers: { ...SECURITY_HEADERS, location: `${request.base}/` }, body: '' };
    if (!type.startsWith('application/x-www-form-urlencoded')) {
      return answer(415, false, 'expected an application/x-www-form-urlencoded form');
    }
    let form: URLSearchParams;
    try {
      form = await request.readForm();
    } catch (error) {
      return answer(400, false, error instanceof Error ? error.message : 'unreadable body');
    }
    const refused = this.#csrf.refuse(form, request.headers);
    if (refused !== undefined) return answer(403, false, `refused: ${refused}`);
    const cache = this.settings.caches.find(
      (c) => c.name === (form.get('cache') ?? this.settings.caches[0]!.name),
    );
    if (cache === undefined) return answer(400, false, 'unknown cache');
    try {
      if (path === '/invalidate') {
        const tags = (form.get('tags') ?? '')
          .split(',')
          .map((t) => t.trim())
          .filter((t) => t !== '');
        if (tags.length === 0 || tags.length > 100 || tags.some((t) => t.length > MAX_FIELD)) {
          return answer(400, false, 'give 1 to 100 tags, comma-separated');
        }
        const done = await cache.invalidateTags(tags);
        return done
          ? answer(200, true, `invalidated ${tags.length} tag(s) in ${cache.name}`)
          : answer(502, false, 'the backend failed');
      }
      const key = form.get('key') ?? '';
      if (key === '' || key.length > MAX_FIELD) return answer(400, false, 'give a key');
      if (path === '/value') {
        // Reached only with showValues (see handle); a diagnostic read: no hit counted, no LRU move.
        const entry = await cache.inspect(key);
        return entry === undefined
          ? json(404, { ok: false, message: `no value at this key in ${cache.name}` })
          : json(200, {
              ok: true,
              message: `value of the key in ${cache.name}`,
              value: previewValue(cache.name, entry),
            });
      }
      const deleted = await cache.delete(key);
      return answer(
        200,
        true,
        deleted ? `deleted the key from ${cache.name}` : `no such key in ${cache.name}`,
      );
    } catch (error) {
      if (error instanceof CacheUsageError) return answer(400, false, error.message);
      throw error;
    }
  }
}

function text(status: number, body: string): DashboardReply {
  return { status, headers: { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' }, body };
}

function json(status: number, value: unknown): DashboardReply {
  return {
    status,
    headers: { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(value),
  };
}

/** Reads a url-encoded body from a Node request stream, up to `limit` bytes. */
export async function readFormStream(
  stream: AsyncIterable<Buffer | string>,
  limit = 64 * 1024,
): Promise<URLSearchParams> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > limit) throw new Error(`form larger than ${limit} bytes`);
    chunks.push(buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** A form an app's body parser already read (`express.urlencoded()`, `koa-bodyparser`). */
export function parsedForm(body: unknown): URLSearchParams | undefined {
  if (typeof body !== 'object' || body === null || Object.keys(body).length === 0) return undefined;
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') form.set(k, v);
  return form;
}
