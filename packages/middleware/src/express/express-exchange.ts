import type { NextFunction, Request, Response } from 'express';
import type { Capture, CaptureHooks, Exchange, Reply } from '../http/exchange.js';
import { hideConditionals } from '../http/hidden-headers.js';
import { type RequestInfo, requestInfo } from '../http/request-info.js';
import { UNROUTED } from '../http/route-source.js';
import type { CacheResponsesSettings } from '../http/settings.js';
import type { HeaderList, ResponseHead } from '../http/stored-response.js';
import { runtimeTagList } from '../http/tag-header.js';
import { type BelowTee, teeResponse } from './tee.js';
import { watchHead } from './watch-head.js';

/** One Express request as the engine sees it: translation only. */
export class ExpressExchange implements Exchange {
  readonly request: RequestInfo;
  readonly native: Request;
  /** `next()` was called: the rest of the chain owns the response. */
  forwarded = false;
  readonly #res: Response;
  readonly #next: NextFunction;
  readonly #settings: CacheResponsesSettings;
  #below: BelowTee | undefined;

  /** `baseUrl` + the matched route's path (`'/products/:id'`), when a route matched. */
  route(): string {
    const path = (this.native.route as { path?: unknown } | undefined)?.path;
    return typeof path === 'string' ? this.native.baseUrl + path : UNROUTED;
  }

  constructor(req: Request, res: Response, next: NextFunction, settings: CacheResponsesSettings) {
    this.native = req;
    // The scheme and host as `req.protocol` and `req.host` give them (honouring `trust proxy`).
    const trusted = fromTrustedProxy(req);
    const protocol = trusted
      ? req.protocol
      : (req.socket as { encrypted?: boolean }).encrypted
        ? 'https'
        : 'http';
    const host = trusted ? req.host : req.headers.host || undefined;
    this.request = requestInfo(req.method, req.originalUrl, req.headers, req.params, protocol, host);
    this.#res = res;
    this.#next = next;
    this.#settings = settings;
  }

  runtimeTags(): readonly string[] {
    return runtimeTagList(this.#res.locals?.cacheTags);
  }

  passThrough(headers: HeaderList, onHead?: (head: ResponseHead) => Promise<void>): Promise<void> {
    for (const [name, value] of headers) this.#res.setHeader(name, value);
    if (onHead !== undefined) watchHead(this.#res, onHead);
    this.forwarded = true;
    this.#next();
    return Promise.resolve();
  }

  capture(hooks: CaptureHooks): Promise<Capture> {
    const restore = hideConditionals(this.native.headers);
    const { done, below } = teeResponse(this.#res, hooks);
    this.#below = below;
    this.forwarded = true;
    this.#next();
    return done.then((capture) => {
      restore();
      return capture;
    });
  }

  /**
   * One `writeHead` with the whole pre-rendered header list, then one `end` with the body (its
   * text when it is UTF-8: Node then writes head and body in one write).
   */
  send(reply: Reply): void {
    const res = this.#res;
    if (reply.replace) for (const name of res.getHeaderNames()) res.removeHeader(name);
    const { rendered, cacheHeaders } = reply;
    const fields = rendered.flat.slice();
    for (const [name, value] of cacheHeaders) fields.push(name, value);
    const body = rendered.body;
    if (body !== undefined) fields.push('content-length', String(body.byteLength));
    // After a suppressed response the methods beneath the tee answer (an outer compressor has already ended).
    const below = this.#below;
    const writeHead = below?.writeHead ?? res.writeHead;
    const end = (below?.end ?? res.end) as (this: Response, chunk?: Uint8Array | string) => Response;
    writeHead.call(res, rendered.status, fields);
    if (body === undefined) end.call(res);
    else end.call(res, rendered.text ?? body);
  }

  reportError(error: unknown): void {
    this.#settings.logger.error(
      { err: error, url: this.request.url },
      'tagcache: handler failed; the stale copy was served instead (stale-if-error)',
    );
  }
}

/**
 * Whether the app's `trust proxy` setting trusts the peer, asked once: Express's `req.protocol`
 * and `req.host` each ask it, and both answer from the socket and the `Host` header when it
 * does not (reading those getters costs a hit more than the rest of its request info: Express 5
 * gives every request its own prototype chain).
 */
function fromTrustedProxy(req: Request): boolean {
  // No app (a bare `router` in front): nothing is trusted.
  const trust: unknown = (req.app as Request['app'] | undefined)?.get('trust proxy fn');
  return typeof trust === 'function' && (trust as TrustProxy)(req.socket.remoteAddress, 0) === true;
}

/** Express's compiled `trust proxy` setting. */
type TrustProxy = (address: string | undefined, hop: number) => boolean;
