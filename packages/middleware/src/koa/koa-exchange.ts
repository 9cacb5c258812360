import type { Context, Next } from 'koa';
import type { Capture, CaptureHooks, Exchange, Reply } from '../http/exchange.js';
import { hideConditionals } from '../http/hidden-headers.js';
import { type RequestInfo, requestInfo } from '../http/request-info.js';
import { UNROUTED } from '../http/route-source.js';
import type { HeaderList, HeaderMap, ResponseHead } from '../http/stored-response.js';
import { runtimeTagList } from '../http/tag-header.js';
import { prepareBody } from './body.js';
import { responseFinished, teeStream } from './stream-tee.js';

/**
 * One Koa request as the engine sees it: translation only. The {@link onRelease} callback is
 * called when the handler's own response is ready for Koa to send, so the middleware can
 * return while a streamed body is still being copied.
 */
export class KoaExchange implements Exchange {
  readonly request: RequestInfo;
  readonly native: Context;
  isReleased = false;
  readonly #next: Next;
  #released: (() => void) | undefined;

  /** The template `@koa/router` matched (`ctx._matchedRoute`), when there is one. */
  route(): string {
    const matched = (this.native as { _matchedRoute?: unknown })._matchedRoute;
    return typeof matched === 'string' ? matched : UNROUTED;
  }

  constructor(ctx: Context, next: Next) {
    this.native = ctx;
    this.#next = next;
    const params = (ctx as { params?: Record<string, unknown> }).params;
    // `ctx.protocol` and `ctx.host` honour `app.proxy`.
    this.request = requestInfo(
      ctx.method,
      ctx.originalUrl,
      ctx.req.headers,
      params,
      ctx.protocol,
      hostOf(ctx),
    );
  }

  /**
   * Sets what to call once the handler's response is released to Koa. Set before the engine's
   * first await settles (a release comes only after the rest of the chain ran).
   */
  onRelease(callback: () => void): void {
    this.#released = callback;
  }

  #release(): void {
    this.isReleased = true;
    this.#released?.();
  }

  runtimeTags(): readonly string[] {
    return runtimeTagList(this.native.state.cacheTags);
  }

  async passThrough(headers: HeaderList, onHead?: (head: ResponseHead) => Promise<void>): Promise<void> {
    for (const [name, value] of headers) this.native.set(name, value);
    await this.#next();
    // Koa sends once the chain unwinds: the work is done before the client sees the response.
    if (onHead !== undefined && this.native.respond !== false) {
      const ctx = this.native;
      await onHead({ status: ctx.status, headers: { ...ctx.response.headers } as HeaderMap });
    }
  }

  async capture(hooks: CaptureHooks): Promise<Capture> {
    const ctx = this.native;
    const restore = hideConditionals(ctx.req.headers);
    try {
      await this.#next();
    } catch (error) {
      return { kind: 'threw', error };
    } finally {
      restore();
    }
    if (ctx.respond === false) {
      this.#release();
      return { kind: 'incomplete' };
    }
    const status = ctx.status;
    const body = prepareBody(ctx);
    const head = { status, headers: { ...ctx.response.headers } as HeaderMap };
    const decision = hooks.onHead(head, body.kind === 'bytes' ? body.bytes : undefined);
    if (decision.suppress) return { kind: 'suppressed' };
    for (const [name, value] of decision.headers) ctx.set(name, value);
    // Koa sends after the middleware chain unwinds; layers before the cache (koa-session)
    // may still add headers then, so the decision to store waits for the head as sent.
    if (body.kind === 'bytes') {
      this.#release();
      if (!(await responseFinished(ctx.res))) return { kind: 'incomplete' };
      const bytes = body.bytes.length > hooks.maxBodySize ? undefined : body.bytes;
      return { kind: 'complete', head, sent: sentHead(ctx), body: bytes };
    }
    const length = ctx.response.get('Content-Length');
    const tee = teeStream(body.stream, ctx.res, hooks.maxBodySize);
    ctx.body = tee.stream;
    if (length !== undefined && length !== '') ctx.set('Content-Length', length);
    this.#release();
    const copied = await tee.done;
    return copied === 'incomplete'
      ? { kind: 'incomplete' }
      : { kind: 'complete', head, sent: sentHead(ctx), body: copied };
  }

  /** The pre-rendered headers straight onto the Node response; the pre-built bytes as the body. */
  send(reply: Reply): void {
    const ctx = this.native;
    const res = ctx.res;
    if (reply.replace) for (const name of res.getHeaderNames()) res.removeHeader(name);
    const { rendered, cacheHeaders } = reply;
    ctx.status = rendered.status;
    const flat = rendered.flat;
    for (let i = 0; i < flat.length; i += 2) res.setHeader(flat[i]!, flat[i + 1]!);
    for (const [name, value] of cacheHeaders) res.setHeader(name, value);
    if (rendered.body === undefined) return;
    ctx.body = rendered.text ?? rendered.body;
    if (!rendered.hasType) ctx.remove('Content-Type');
  }

  reportError(error: unknown): void {
    this.native.app.emit('error', error, this.native);
  }
}

/**
 * `ctx.host`, without its split and trim in the common case (no trusted proxy, an HTTP/1
 * request, a plain `Host`), in which `ctx.host` returns the header as it is.
 */
function hostOf(ctx: Context): string {
  const req = ctx.req;
  const host = req.headers.host;
  if (host !== undefined && !ctx.app.proxy && req.httpVersionMajor < 2 && isPlainHost(host)) return host;
  return ctx.host;
}

/**
 * Printable ASCII without space, `,` or `@`: nothing Koa's split (`,`), trim (any white space,
 * a no-break space included) or user-info parsing (`@`) would change.
 */
function isPlainHost(host: string): boolean {
  if (host.length === 0) return false;
  for (let i = 0; i < host.length; i++) {
    const code = host.charCodeAt(i);
    if (code <= 0x20 || code >= 0x7f || code === 0x2c || code === 0x40) return false;
  }
  return true;
}

/** The response head as Node sent it (after the whole middleware chain unwound). */
function sentHead(ctx: Context): ResponseHead {
  return { status: ctx.res.statusCode, headers: { ...ctx.res.getHeaders() } as HeaderMap };
}
