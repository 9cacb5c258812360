import type { Context } from 'koa';
import { InputError } from '../shop-data/product-input.js';

/** Reads a JSON request body of at most `limit` bytes (Koa has no body parser built in). */
export async function readJson(ctx: Context, limit = 16 * 1024): Promise<unknown> {
  if (!ctx.is('application/json')) throw new InputError('expected Content-Type: application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new InputError(`body larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new InputError(`invalid JSON: ${(error as Error).message}`);
  }
}
