import type { Context, Next } from 'koa';
import type { Capture, CaptureHooks, Exchange, Reply } from '../http/exchange.js';
import { hideConditionals } from '../http/hidden-headers.js';
import { type RequestInfo, requestInfo } from '../http/request-info.js';
import type { HeaderList, HeaderMap } from '../http/stored-response.js';
import { runtimeTagList } from '../http/tag-header.js';
import { prepareBody } from './body.js';
import { teeStream } from './stream-tee.js';

/**
 * One Koa request as the engine sees it: translation only. `released` resolves when the
 * handler's own response is ready for Koa to send, so the middleware can return while a
 * streamed body is still being copied.
 */
export class KoaExchange implements Exchange {
  readonly request: RequestInfo;
  readonly native: Context;
  readonly released: Promise<'released'>;
  isReleased = false;
  readonly #next: Next;
  #release!: () => void;

  constructor(ctx: Context, next: Next) {
    this.native = ctx;
    this.#next = next;
    const params = (ctx as { params?: Record<string, unknown> }).params;
    this.request = requestInfo(ctx.method, ctx.originalUrl, ctx.req.headers, params);
    this.released = new Promise((resolve) => {
      this.#release = () => {
        this.isReleased = true;
        resolve('released');
      };
    });
  }

  runtimeTags(): readonly string[] {
    return runtimeTagList(this.native.state.cacheTags);
  }

  async passThrough(headers: HeaderList): Promise<void> {
    for (const [name, value] of headers) this.native.set(name, value);
    await this.#next();
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
    if (body.kind === 'bytes') {
      this.#release();
      return { kind: 'complete', head, body: body.bytes.length > hooks.maxBodySize ? undefined : body.bytes };
    }
    const length = ctx.response.get('Content-Length');
    const tee = teeStream(body.stream, ctx.res, hooks.maxBodySize);
    ctx.body = tee.stream;
    if (length !== undefined && length !== '') ctx.set('Content-Length', length);
    this.#release();
    const copied = await tee.done;
    return copied === 'incomplete' ? { kind: 'incomplete' } : { kind: 'complete', head, body: copied };
  }

  send(reply: Reply): void {
    const ctx = this.native;
    if (reply.replace) for (const name of ctx.res.getHeaderNames()) ctx.res.removeHeader(name);
    ctx.status = reply.status;
    for (const [name, value] of reply.headers) ctx.set(name, value);
    if (reply.body === undefined) return;
    const hasType = reply.headers.some(([name]) => name === 'content-type');
    ctx.body = Buffer.from(reply.body.buffer, reply.body.byteOffset, reply.body.byteLength);
    if (!hasType) ctx.remove('Content-Type');
  }

  reportError(error: unknown): void {
    this.native.app.emit('error', error, this.native);
  }
}
