import {
  brotliCompressSync,
  brotliDecompressSync,
  constants,
  deflateRawSync,
  inflateRawSync,
} from 'node:zlib';
import type { Serializer } from './serializer.js';

/** Options of {@link CompressingSerializer}. */
export interface CompressionOptions {
  /** Values whose serialized size is at least this many bytes are compressed. Default 1024. */
  readonly threshold?: number;
  /** `deflate` (default, fast) or `brotli` (smaller, slower). */
  readonly algorithm?: 'deflate' | 'brotli';
  /** Compression level: 0-9 for deflate (default 6), 0-11 for brotli (default 4). */
  readonly level?: number;
}

const RAW = 0x00;
const DEFLATE = 0x01;
const BROTLI = 0x02;

/**
 * Wraps a serializer and compresses its output above a size threshold. The first byte says
 * how the rest is stored, so small and large values, and either algorithm, read back alike.
 */
export class CompressingSerializer implements Serializer {
  readonly name: string;
  readonly #inner: Serializer;
  readonly #threshold: number;
  readonly #algorithm: 'deflate' | 'brotli';
  readonly #level: number;

  constructor(inner: Serializer, options: CompressionOptions = {}) {
    this.#inner = inner;
    this.#threshold = options.threshold ?? 1024;
    this.#algorithm = options.algorithm ?? 'deflate';
    this.#level = options.level ?? (this.#algorithm === 'brotli' ? 4 : 6);
    this.name = `${inner.name}+z`;
  }

  serialize(value: unknown): Uint8Array {
    const raw = this.#inner.serialize(value);
    if (raw.byteLength < this.#threshold) return prepend(RAW, raw);
    const packed =
      this.#algorithm === 'brotli'
        ? brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: this.#level } })
        : deflateRawSync(raw, { level: this.#level });
    // Incompressible data is kept raw rather than made larger.
    if (packed.byteLength >= raw.byteLength) return prepend(RAW, raw);
    return prepend(this.#algorithm === 'brotli' ? BROTLI : DEFLATE, packed);
  }

  deserialize(bytes: Uint8Array): unknown {
    const body = bytes.subarray(1);
    switch (bytes[0]) {
      case RAW:
        return this.#inner.deserialize(body);
      case DEFLATE:
        return this.#inner.deserialize(inflateRawSync(body));
      case BROTLI:
        return this.#inner.deserialize(brotliDecompressSync(body));
      default:
        throw new TypeError(`unknown compression marker ${String(bytes[0])}`);
    }
  }

  /** The inner serializer's copy (a decoded value does not depend on how its bytes were packed). */
  copy(value: object): unknown {
    return this.#inner.copy?.(value);
  }
}

function prepend(marker: number, data: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(data.byteLength + 1);
  out[0] = marker;
  out.set(data, 1);
  return out;
}
