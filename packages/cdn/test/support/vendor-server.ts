import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the server received. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** How the server answers one request. */
export interface Answer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/**
 * A local stand-in for a vendor's purge API on 127.0.0.1: it checks every request with
 * `check` (a violation is recorded and answered 400, so the purge fails), answers from a
 * script (then `ok`), and can hold answers back to keep a request in flight.
 */
export interface VendorServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** What `check` found wrong, one line per bad request. */
  readonly violations: string[];
  /** The next requests get these answers, in order. */
  script(...answers: Answer[]): void;
  /** Holds every answer until the returned function is called. */
  hold(): () => void;
  /** Resolves once `count` requests have arrived. */
  arrived(count: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a {@link VendorServer}. */
export async function startVendorServer(
  check: (request: RecordedRequest) => string | undefined,
  ok: Answer,
): Promise<VendorServer> {
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  const answers: Answer[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let gate: Promise<void> | undefined;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', async () => {
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      requests.push(request);
      for (const waiter of waiters.filter((w) => requests.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      const violation = check(request);
      const answer = violation === undefined ? (answers.shift() ?? ok) : { status: 400, body: violation };
      if (violation !== undefined) violations.push(violation);
      if (gate !== undefined) await gate;
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    violations,
    script: (...next) => void answers.push(...next),
    hold() {
      let release!: () => void;
      gate = new Promise((resolve) => {
        release = resolve;
      });
      return () => {
        gate = undefined;
        release();
      };
    },
    arrived: (count) =>
      requests.length >= count
        ? Promise.resolve()
        : new Promise((resolve) => void waiters.push({ count, resolve })),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Fastly's purge API as documented: POST, path, `Fastly-Key`, `{ surrogate_keys }` of 1 to 256 keys. */
export function fastlyCheck(serviceId: string, token: string) {
  return (request: RecordedRequest): string | undefined => {
    if (request.method !== 'POST') return `method ${request.method}`;
    if (request.headers['fastly-key'] !== token) return 'bad Fastly-Key';
    if (request.path === `/service/${serviceId}/purge_all`) return undefined;
    if (request.path !== `/service/${serviceId}/purge`) return `path ${request.path}`;
    if (request.headers['content-type'] !== 'application/json') return 'content-type';
    const keys = (JSON.parse(request.body) as { surrogate_keys?: unknown }).surrogate_keys;
    if (!Array.isArray(keys) || keys.length === 0 || keys.length > 256)
      return 'surrogate_keys: 1 to 256 keys';
    return keys.every((key) => typeof key === 'string') ? undefined : 'surrogate_keys: strings';
  };
}

/** Cloudflare's purge_cache as documented: POST, path, Bearer token, `{ tags }` of 1 to `max` tags. */
export function cloudflareCheck(zoneId: string, token: string, max = 100) {
  return (request: RecordedRequest): string | undefined => {
    if (request.method !== 'POST') return `method ${request.method}`;
    if (request.path !== `/client/v4/zones/${zoneId}/purge_cache`) return `path ${request.path}`;
    if (request.headers.authorization !== `Bearer ${token}`) return 'bad Authorization';
    if (request.headers['content-type'] !== 'application/json') return 'content-type';
    const body = JSON.parse(request.body) as { tags?: unknown; purge_everything?: unknown };
    if (body.purge_everything === true) return Object.keys(body).length === 1 ? undefined : 'mixed body';
    if (!Array.isArray(body.tags) || body.tags.length === 0 || body.tags.length > max) {
      return `tags: 1 to ${max}`;
    }
    return undefined;
  };
}

/** What Fastly answers to a batch purge. */
export const FASTLY_OK: Answer = { status: 200, body: '{"key1":"108-1391560174-974124"}' };
/** What Cloudflare answers to a purge. */
export const CLOUDFLARE_OK: Answer = {
  status: 200,
  body: '{"success":true,"errors":[],"messages":[],"result":{"id":"023e105f4ecef8ad9ca31a8372d0c353"}}',
};
