import type { BusMessage } from './bus-contract.js';

/**
 * The bus's wire format: compact, binary, and cheap to drop without decoding the body when the
 * message is the receiver's own.
 *
 * ```
 * [version 1][kind 1][id length 1][instance id][count u32] then count × ([length u32][utf-8 bytes])
 * ```
 * A `tags` message lists tag-version key and version alternately; `delete` and `write` list
 * keys; `pattern` has one string; `clear` none.
 */

const VERSION = 1;
const KINDS = ['tags', 'delete', 'pattern', 'write', 'clear'] as const;
type Kind = (typeof KINDS)[number];

/** A decoded frame: the sender's instance id and the message. */
export interface BusFrame {
  readonly sender: string;
  readonly message: BusMessage;
}

/** Encodes `message` sent by instance `sender` (at most 255 bytes of ASCII). */
export function encodeBusMessage(sender: string, message: BusMessage): Buffer {
  const strings = bodyStrings(message);
  const encoded = strings.map((s) => Buffer.from(s, 'utf8'));
  const size = 3 + sender.length + 4 + encoded.reduce((sum, b) => sum + 4 + b.length, 0);
  const out = Buffer.allocUnsafe(size);
  out[0] = VERSION;
  out[1] = KINDS.indexOf(message.kind);
  out[2] = sender.length;
  let at = 3 + out.write(sender, 3, 'latin1');
  at = out.writeUInt32BE(encoded.length, at);
  for (const bytes of encoded) {
    at = out.writeUInt32BE(bytes.length, at);
    at += bytes.copy(out, at);
  }
  return out;
}

/** The sender's instance id, read without decoding the rest (`undefined` for foreign bytes). */
export function busMessageSender(frame: Buffer): string | undefined {
  if (frame.length < 3 || frame[0] !== VERSION) return undefined;
  const end = 3 + frame[2]!;
  return frame.length < end ? undefined : frame.toString('latin1', 3, end);
}

/** Decodes a frame; `undefined` when the bytes are not a bus message of this version. */
export function decodeBusMessage(frame: Buffer): BusFrame | undefined {
  const sender = busMessageSender(frame);
  const kind: Kind | undefined = KINDS[frame[1] ?? -1];
  if (sender === undefined || kind === undefined) return undefined;
  let at = 3 + frame[2]!;
  if (frame.length < at + 4) return undefined;
  const count = frame.readUInt32BE(at);
  at += 4;
  const strings: string[] = [];
  for (let i = 0; i < count; i++) {
    if (frame.length < at + 4) return undefined;
    const length = frame.readUInt32BE(at);
    at += 4;
    if (frame.length < at + length) return undefined;
    strings.push(frame.toString('utf8', at, at + length));
    at += length;
  }
  const message = toMessage(kind, strings);
  return message === undefined ? undefined : { sender, message };
}

function bodyStrings(message: BusMessage): readonly string[] {
  switch (message.kind) {
    case 'tags':
      return message.versions.flat();
    case 'delete':
    case 'write':
      return message.keys;
    case 'pattern':
      return [message.pattern];
    case 'clear':
      return [];
  }
}

function toMessage(kind: Kind, strings: string[]): BusMessage | undefined {
  switch (kind) {
    case 'tags': {
      if (strings.length % 2 !== 0) return undefined;
      const versions: [string, string][] = [];
      for (let i = 0; i < strings.length; i += 2) versions.push([strings[i]!, strings[i + 1]!]);
      return { kind, versions };
    }
    case 'delete':
    case 'write':
      return { kind, keys: strings };
    case 'pattern':
      return strings.length === 1 ? { kind, pattern: strings[0]! } : undefined;
    case 'clear':
      return { kind };
  }
}
