import { Readable } from 'node:stream';
import type { Context } from 'koa';

/** A Koa body made sendable: bytes (what Koa would send) or a stream to tee. */
export type PreparedBody =
  | { readonly kind: 'bytes'; readonly bytes: Buffer }
  | { readonly kind: 'stream'; readonly stream: Readable };

const EMPTY_STATUSES = new Set([204, 205, 304]);

/**
 * Turns `ctx.body` into exactly what Koa 3 would send (see `respond()` in koa's
 * application.js): strings, Buffers and JSON as bytes, `null` as the status message or an
 * empty body; Node streams, web `ReadableStream`, `Blob` and `Response` as a Node stream.
 * Sets `ctx.body` to the bytes, so the stored bytes are the sent ones.
 */
export function prepareBody(ctx: Context): PreparedBody {
  const status = ctx.status;
  const body: unknown = ctx.body;
  if (EMPTY_STATUSES.has(status)) return { kind: 'bytes', bytes: Buffer.alloc(0) };
  if (body === null || body === undefined) {
    const explicitNull =
      (ctx.response as unknown as { _explicitNullBody?: boolean })._explicitNullBody === true;
    if (explicitNull) {
      ctx.remove('Content-Type');
      return setBytes(ctx, status, Buffer.alloc(0));
    }
    ctx.type = 'text';
    return setBytes(ctx, status, Buffer.from(ctx.message || String(status)));
  }
  if (typeof body === 'string') return setBytes(ctx, status, Buffer.from(body));
  if (Buffer.isBuffer(body)) return { kind: 'bytes', bytes: body };
  if (isNodeStream(body)) return { kind: 'stream', stream: body };
  if (body instanceof ReadableStream)
    return { kind: 'stream', stream: Readable.fromWeb(body as import('node:stream/web').ReadableStream) };
  if (body instanceof Blob) return { kind: 'stream', stream: Readable.from(body.stream()) };
  if (body instanceof Response) {
    return body.body === null
      ? setBytes(ctx, status, Buffer.alloc(0))
      : { kind: 'stream', stream: Readable.fromWeb(body.body as import('node:stream/web').ReadableStream) };
  }
  return setBytes(ctx, status, Buffer.from(JSON.stringify(body)));
}

function setBytes(ctx: Context, status: number, bytes: Buffer): PreparedBody {
  ctx.status = status;
  ctx.body = bytes;
  return { kind: 'bytes', bytes };
}

function isNodeStream(value: unknown): value is Readable {
  return typeof value === 'object' && value !== null && typeof (value as Readable).pipe === 'function';
}
