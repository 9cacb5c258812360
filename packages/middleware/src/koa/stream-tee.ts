import type { ServerResponse } from 'node:http';
import { pipeline, type Readable, Transform } from 'node:stream';

/**
 * Copies a body stream while Koa sends it, up to `maxBodySize` bytes. `done` gives the bytes
 * once the response has finished, `undefined` past the limit, or `'incomplete'` when the
 * stream failed or the client went away.
 */
export function teeStream(
  source: Readable,
  res: ServerResponse,
  maxBodySize: number,
): { stream: Transform; done: Promise<Buffer | undefined | 'incomplete'> } {
  const chunks: Buffer[] = [];
  let size = 0;
  let overflow = false;
  const copy = new Transform({
    transform(chunk: unknown, encoding, callback) {
      if (!overflow) {
        if (typeof chunk === 'string' || chunk instanceof Uint8Array) {
          const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : Buffer.from(chunk);
          size += bytes.length;
          if (size > maxBodySize) {
            overflow = true;
            chunks.length = 0;
          } else chunks.push(bytes);
        } else overflow = true;
      }
      callback(null, chunk);
    },
  });
  pipeline(source, copy, () => {});
  const done = responseFinished(res).then((finished) =>
    finished ? (overflow ? undefined : Buffer.concat(chunks)) : ('incomplete' as const),
  );
  return { stream: copy, done };
}

/** Resolves `true` when the response has finished, `false` when it closed before (an abort). */
export function responseFinished(res: ServerResponse): Promise<boolean> {
  if (res.writableFinished) return Promise.resolve(true);
  return new Promise<boolean>((resolve) => {
    const onFinish = (): void => {
      res.off('close', onClose);
      resolve(true);
    };
    const onClose = (): void => {
      if (res.writableFinished) return;
      res.off('finish', onFinish);
      resolve(false);
    };
    res.once('finish', onFinish);
    res.once('close', onClose);
  });
}
