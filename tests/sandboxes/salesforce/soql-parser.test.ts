import { describe, expect, it } from 'vitest';
import type { SfError } from '../../../sandboxes/salesforce/errors.ts';
import { checksum, to18 } from '../../../sandboxes/salesforce/ids.ts';
import { tokenize } from '../../../sandboxes/salesforce/soql/lexer.ts';
import { parseSoql } from '../../../sandboxes/salesforce/soql/parser.ts';

function malformed(text: string): SfError {
  try {
    parseSoql(text);
  } catch (err) {
    return err as SfError;
  }
  throw new Error(`expected '${text}' to be refused`);
}

describe('SOQL lexer', () => {
  it('tells dates, datetimes, numbers, strings and operators apart', () => {
    const kinds = tokenize("x >= 2024-01-01T00:00:00.123+02:00 AND d = 2024-01-01 AND n <> -1.5 AND s = 'it\\'s' AND k = LAST_N_DAYS:7")
      .map((t) => `${t.kind}:${t.text}`);
    expect(kinds).toEqual([
      'ident:x', 'op:>=', 'datetime:2024-01-01T00:00:00.123+02:00', 'ident:AND', 'ident:d', 'op:=', 'date:2024-01-01',
      'ident:AND', 'ident:n', 'op:!=', 'number:-1.5', 'ident:AND', 'ident:s', 'op:=', "string:it's", 'ident:AND',
      'ident:k', 'op:=', 'ident:LAST_N_DAYS', 'punct::', 'number:7', 'eof:<EOF>',
    ]);
  });
});

describe('SOQL parser', () => {
  it('parses fields, relationships, subqueries, conditions, order, limit and offset', () => {
    const q = parseSoql("select Id, Account.Name, (SELECT LastName FROM Contacts) FROM Account WHERE (Name LIKE 'A%' OR Name = null) AND NOT Industry IN ('Energy') ORDER BY Name DESC NULLS FIRST, Id LIMIT 10 OFFSET 5");
    expect(q.from.name).toBe('Account');
    expect(q.select.map((s) => s.kind)).toEqual(['field', 'field', 'subquery']);
    expect(q.select[1]).toMatchObject({ path: ['Account', 'Name'] });
    expect(q.where).toMatchObject({ kind: 'and', items: [{ kind: 'or' }, { kind: 'not', item: { kind: 'in', negated: false } }] });
    expect(q.orderBy).toEqual([
      expect.objectContaining({ path: ['Name'], descending: true, nullsLast: false }),
      expect.objectContaining({ path: ['Id'], descending: false, nullsLast: false }),
    ]);
    expect([q.limit, q.offset]).toEqual([10, 5]);
  });

  it('parses COUNT(), FIELDS() and NOT IN', () => {
    expect(parseSoql('SELECT COUNT() FROM Contact').select).toEqual([{ kind: 'count', pos: 7 }]);
    expect(parseSoql('SELECT FIELDS(STANDARD) FROM Contact').select[0]).toMatchObject({ kind: 'fields', which: 'STANDARD' });
    expect(parseSoql("SELECT Id FROM Contact WHERE Id NOT IN ('a')").where).toMatchObject({ kind: 'in', negated: true });
  });

  it.each([
    ['SELECT FROM Contact', 'FROM'],
    ['SELECT Id Contact', 'Contact'],
    ['SELECT Id FROM Contact WHERE Name', '<EOF>'],
    ['SELECT Id FROM Contact WHERE a = 1 AND b = 2 OR c = 3', 'OR'],
    ['SELECT Id FROM Contact LIMIT x', 'x'],
    ["SELECT Id FROM Contact WHERE Name = 'open", "'open"],
    ['SELECT Id FROM Contact ORDER BY Name NULLS MIDDLE', 'MIDDLE'],
  ])('refuses %s with MALFORMED_QUERY', (text, token) => {
    const err = malformed(text);
    expect(err.errorCode).toBe('MALFORMED_QUERY');
    expect(err.message).toContain(`unexpected token: '${token}`);
    expect(err.message).toMatch(/ERROR at Row:1:Column:\d+/);
  });
});

describe('record ids', () => {
  it('computes the documented case checksum', () => {
    // Known pair from Salesforce documentation and common usage.
    expect(checksum('001000000000001')).toBe('AAA');
    expect(to18('0015000000Gv7qJ')).toBe('0015000000Gv7qJAAR');
    expect(to18('0015000000Gv7qJAAR')).toBe('0015000000Gv7qJAAR');
    expect(to18('0015000000Gv7qJBBB')).toBeUndefined();
    expect(to18('nope')).toBeUndefined();
  });
});
