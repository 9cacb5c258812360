import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Capture, CaptureHooks } from '../http/exchange.js';
import type { HeaderMap, ResponseHead } from '../http/stored-response.js';

type Callback = (error?: Error | null) => void;

/** The response methods beneath the tee (the runtime's, or an inner compressor's). */
export interface BelowTee {
  readonly writeHead: ServerResponse['writeHead'];
  readonly write: ServerResponse['write'];
  readonly end: ServerResponse['end'];
}

/**
 * Tees a Node response: `writeHead`, `write` and `end` are wrapped so every byte still goes
 * to the client (same return values, every `end` signature) while a copy is kept up to
 * `maxBodySize`. The head is snapshotted before it is sent (headers given to `writeHead`
 * included), so a compressor mounted outside the cache sees its own headers added after the
 * snapshot and one mounted inside stores what it sends. Settles on `finish`, or as
 * incomplete on `close` without `finish` (an abort).
 */
export function teeResponse(
  res: ServerResponse,
  hooks: CaptureHooks,
): { done: Promise<Capture>; below: BelowTee } {
  const below: BelowTee = { writeHead: res.writeHead, write: res.write, end: res.end };
  const chunks: Buffer[] = [];
  let size = 0;
  let overflow = false;
  let head: ResponseHead | undefined;
  let suppressed = false;
  let ended = false;
  let settled = false;
  let resolve!: (capture: Capture) => void;
  const done = new Promise<Capture>((r) => {
    resolve = r;
  });

  const settle = (capture: Capture): void => {
    if (settled) return;
    settled = true;
    res.writeHead = below.writeHead;
    res.write = below.write;
    res.end = below.end;
    res.off('finish', onFinish);
    res.off('close', onClose);
    resolve(capture);
  };
  const onFinish = (): void => {
    if (head === undefined) settle({ kind: 'incomplete' });
    else {
      const sent = { status: res.statusCode, headers: { ...res.getHeaders() } as HeaderMap };
      settle({ kind: 'complete', head, sent, body: overflow ? undefined : Buffer.concat(chunks) });
    }
  };
  const onClose = (): void => {
    if (!res.writableFinished) settle({ kind: 'incomplete' });
  };
  res.once('finish', onFinish);
  res.once('close', onClose);

  const collect = (chunk: unknown, encoding: BufferEncoding | undefined): void => {
    if (overflow || chunk === undefined || chunk === null) return;
    let bytes: Buffer;
    if (typeof chunk === 'string') bytes = Buffer.from(chunk, encoding ?? 'utf8');
    else if (chunk instanceof Uint8Array) bytes = Buffer.from(chunk);
    else {
      overflow = true;
      return;
    }
    size += bytes.length;
    if (size > hooks.maxBodySize) {
      overflow = true;
      chunks.length = 0;
      return;
    }
    chunks.push(bytes);
  };

  const startHead = (self: ServerResponse): void => {
    head = { status: self.statusCode, headers: { ...self.getHeaders() } as HeaderMap };
    const decision = hooks.onHead(head);
    if (decision.suppress) {
      suppressed = true;
      return;
    }
    for (const [name, value] of decision.headers) self.setHeader(name, value);
  };

  res.writeHead = function writeHead(
    this: ServerResponse,
    statusCode: number,
    ...rest: unknown[]
  ): ServerResponse {
    const forward = below.writeHead as (...args: unknown[]) => ServerResponse;
    if (settled || head !== undefined) return forward.call(this, statusCode, ...rest);
    const reason = typeof rest[0] === 'string' ? rest[0] : undefined;
    applyHeaderArguments(this, reason === undefined ? rest[0] : rest[1]);
    this.statusCode = statusCode;
    if (reason !== undefined) this.statusMessage = reason;
    startHead(this);
    if (suppressed) return this;
    return reason === undefined
      ? forward.call(this, this.statusCode)
      : forward.call(this, this.statusCode, reason);
  } as ServerResponse['writeHead'];

  res.write = function write(
    this: ServerResponse,
    chunk: unknown,
    encoding?: unknown,
    callback?: unknown,
  ): boolean {
    const forward = below.write as (...args: unknown[]) => boolean;
    // A chunk Node refuses throws before anything is sent, as it would without the cache.
    if (settled || chunk === undefined || chunk === null || !sendable(chunk))
      return forward.call(this, chunk, encoding, callback);
    if (head === undefined && !this.headersSent) this.writeHead(this.statusCode);
    if (suppressed) {
      const cb = typeof encoding === 'function' ? encoding : callback;
      if (typeof cb === 'function') process.nextTick(cb as Callback);
      return true;
    }
    if (!ended && !this.writableEnded)
      collect(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined);
    return forward.call(this, chunk, encoding, callback);
  } as ServerResponse['write'];

  res.end = function end(
    this: ServerResponse,
    chunk?: unknown,
    encoding?: unknown,
    callback?: unknown,
  ): ServerResponse {
    let cb = callback;
    let data = chunk;
    let enc = encoding;
    if (typeof data === 'function') {
      cb = data;
      data = undefined;
      enc = undefined;
    } else if (typeof enc === 'function') {
      cb = enc;
      enc = undefined;
    }
    const forward = below.end as (...args: unknown[]) => ServerResponse;
    if (settled || ended || !sendable(data)) return forward.call(this, data, enc, cb);
    ended = true;
    const textEncoding = typeof enc === 'string' ? (enc as BufferEncoding) : undefined;
    if (head === undefined && !this.headersSent) {
      setLengthIfUnknown(this, data, textEncoding);
      this.writeHead(this.statusCode);
    }
    if (suppressed) {
      if (typeof cb === 'function') process.nextTick(cb as Callback);
      settle({ kind: 'suppressed' });
      return this;
    }
    if (!this.writableEnded) collect(data, textEncoding);
    return forward.call(this, data, enc, cb);
  } as ServerResponse['end'];

  return { done, below };
}

/**
 * Whether Node's `write`/`end` accept this chunk (a string or a `Uint8Array`; nothing for
 * `end`). Node throws `ERR_INVALID_ARG_TYPE` for others (a `Uint16Array`) before it writes
 * the head, so the framework can still answer 500; the tee must not write the head first.
 */
function sendable(chunk: unknown): boolean {
  return chunk === undefined || chunk === null || typeof chunk === 'string' || chunk instanceof Uint8Array;
}

/** Headers passed to `writeHead` (object, flat or nested array) set on the response, as `on-headers` does. */
function applyHeaderArguments(res: ServerResponse, fields: unknown): void {
  if (fields === undefined || fields === null) return;
  if (Array.isArray(fields)) {
    const grouped = new Map<string, string[]>();
    const add = (name: unknown, value: unknown): void => {
      const key = String(name).toLowerCase();
      grouped.set(key, [...(grouped.get(key) ?? []), String(value)]);
    };
    if (Array.isArray(fields[0])) for (const pair of fields as unknown[][]) add(pair[0], pair[1]);
    else for (let i = 0; i + 1 < fields.length; i += 2) add(fields[i], fields[i + 1]);
    for (const [name, values] of grouped) res.setHeader(name, values.length === 1 ? values[0]! : values);
    return;
  }
  for (const [name, value] of Object.entries(fields as OutgoingHttpHeaders)) {
    if (value !== undefined) res.setHeader(name, value);
  }
}

/** Keeps Node's `Content-Length` for a body given whole to `end` (the tee writes the head first). */
function setLengthIfUnknown(res: ServerResponse, chunk: unknown, encoding: BufferEncoding | undefined): void {
  if (res.hasHeader('content-length') || res.hasHeader('transfer-encoding')) return;
  const status = res.statusCode;
  if (status === 204 || status === 304 || status < 200) return;
  if (typeof chunk === 'string')
    res.setHeader('content-length', Buffer.byteLength(chunk, encoding ?? 'utf8'));
  else if (chunk instanceof Uint8Array) res.setHeader('content-length', chunk.byteLength);
  else if (chunk === undefined || chunk === null) res.setHeader('content-length', 0);
}
