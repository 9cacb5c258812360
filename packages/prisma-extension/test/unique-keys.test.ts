import { describe, expect, it } from 'vitest';
import { parseUniqueKeys } from '../src/unique-keys.js';

describe('parseUniqueKeys', () => {
  it('reads @id, @unique, @@id and @@unique (named or not), skipping comments and strings', () => {
    const keys = parseUniqueKeys(`
      model User {
        id    Int    @id @default(autoincrement()) // @unique in a comment
        email String @unique(map: "u_email")
        note  String @default("@unique")
        posts Post[]
      }
      model Seat {
        row    Int
        number Int
        hall   String
        code   String
        @@id([hall, row, number])
        @@unique(fields: [code, hall(sort: Desc)], name: "byCode")
      }
    `);
    expect(keys.get('User')).toEqual([
      { name: 'id', fields: ['id'] },
      { name: 'email', fields: ['email'] },
    ]);
    expect(keys.get('Seat')).toEqual([
      { name: 'hall_row_number', fields: ['hall', 'row', 'number'] },
      { name: 'byCode', fields: ['code', 'hall'] },
    ]);
    expect(parseUniqueKeys(undefined).size).toBe(0);
  });
});
