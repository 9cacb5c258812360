import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeChecked, OTHER_TAGS, TAGS_CHANGED } from '../src/entry/checked-decode.js';
import { decodeEntry, encodeEntry } from '../src/entry/entry-codec.js';
import { sameNames } from '../src/tags/tag-hints.js';
import { TagVersions } from '../src/tags/tag-versions.js';

const encoder = new TextEncoder();

describe('decodeChecked (a network hit decoded and checked in place)', () => {
  it('agrees with decoding the header and comparing its stamps (property)', () => {
    const text = fc.oneof(fc.string({ minLength: 1, maxLength: 6 }), fc.constantFrom('é', '💥', 'products'));
    // Versions are ASCII (base 36 time, '.', base64url), as TagVersions makes them.
    const version = fc.oneof(fc.stringMatching(/^[a-z0-9._-]{1,8}$/), fc.constant('v1'));
    const stamp = fc.record({ name: text, version });
    fc.assert(
      fc.property(
        fc.array(stamp, { maxLength: 3 }),
        fc.array(fc.tuple(text, fc.option(fc.oneof(text, fc.constant('v1')), { nil: undefined })), {
          maxLength: 3,
        }),
        fc.boolean(),
        fc.constantFrom('json', 'msgpack', 'json+z'),
        (tags, read, sameTags, serializer) => {
          const bytes = encodeEntry({
            payload: encoder.encode('{"a":1}'),
            serializer: 'json',
            tags,
            createdAt: 1,
            freshUntil: 2,
            staleUntil: 3,
          });
          // Half the cases: the hint is right, with some versions current and some not.
          const names = sameTags ? tags.map((t) => t.name) : read.map(([n]) => n);
          const versions = names.map((_, i) =>
            sameTags && read[i]?.[1] === undefined
              ? encoder.encode(tags[i]!.version)
              : read[i]?.[1] === undefined
                ? undefined
                : encoder.encode(read[i]![1]!),
          );
          const result = decodeChecked(bytes, names, versions, serializer);
          const full = decodeEntry(bytes);
          if (!sameNames(full.tags, names)) {
            expect(result).toBe(OTHER_TAGS);
            return;
          }
          if (!TagVersions.matches(full.tags, versions)) {
            expect(result).toBe(TAGS_CHANGED);
            return;
          }
          expect(result).not.toBe(OTHER_TAGS);
          expect(result).not.toBe(TAGS_CHANGED);
          const entry = result as Exclude<typeof result, symbol>;
          expect({ ...full, payload: Buffer.from(full.payload) }).toEqual({
            payload: Buffer.from(entry.payload),
            serializer: entry.serializer,
            tags: entry.tags,
            createdAt: entry.createdAt,
            freshUntil: entry.freshUntil,
            staleUntil: entry.staleUntil,
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('throws for bytes that are not an entry', () => {
    expect(() => decodeChecked(encoder.encode('nope'), [], [], 'json')).toThrow(/bad magic/);
    expect(() => decodeChecked(encoder.encode('tc1:1:5:ab'), ['ab'], [undefined], 'json')).toThrow(
      /truncated/,
    );
  });
});
