import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jsforce from 'jsforce';
import type { Connection } from 'jsforce';
import type { SalesforceSandbox, SalesforceSeed } from '../../../sandboxes/salesforce/index.ts';
import { errorOf, start } from './helpers.ts';

const ACME = '001000000000001AAA';
const GLOBEX = '001000000000002AAA';

/** 2,500 contacts (enough for two pages) plus a handful with interesting values. */
function seed(): SalesforceSeed {
  const contacts: object[] = [];
  for (let i = 0; i < 2500; i++) {
    contacts.push({ LastName: `Bulk${String(i).padStart(4, '0')}`, Email: `bulk${i}@example.test`, AccountId: i % 2 ? ACME : GLOBEX });
  }
  contacts.push(
    { Id: '003000000000001AAA', FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@acme.test', AccountId: ACME, Title: 'CTO', Birthdate: '1815-12-10', SystemModstamp: '2024-01-05T10:00:00.000+0000' },
    { Id: '003000000000002AAA', FirstName: 'Grace', LastName: "O'Hopper", Email: null, Title: 'Admiral', HasOptedOutOfEmail: true, SystemModstamp: '2024-03-01T10:00:00.000+0000' },
    { Id: '003000000000003AAA', FirstName: 'Alan', LastName: 'Turing_Test', Email: 'alan@globex.test', AccountId: GLOBEX, Title: null, SystemModstamp: '2023-06-01T00:00:00.000+0000' },
  );
  return {
    Account: [
      { Id: ACME, Name: 'Acme', Industry: 'Technology', NumberOfEmployees: 500 },
      { Id: GLOBEX, Name: 'Globex', Industry: 'Energy', NumberOfEmployees: 50 },
    ],
    Contact: contacts,
    Opportunity: [
      { Id: '006000000000001AAA', Name: 'Big deal', AccountId: ACME, StageName: 'Prospecting', CloseDate: '2024-06-30', Amount: 1000 },
    ],
  };
}

let sb: SalesforceSandbox;
let conn: Connection;
beforeAll(async () => {
  ({ sb, conn } = await start({ demoSeed: seed() }));
});
afterAll(() => sb.close());

const ids = (r: { records: { Id?: string }[] }) => r.records.map((x) => x.Id);

describe('query paging', () => {
  it('answers the first 2,000 rows with a nextRecordsUrl whose locator has no slash', async () => {
    const res = await conn.query('SELECT Id FROM Contact', { autoFetch: false });
    expect(res.totalSize).toBe(2503);
    expect(res.done).toBe(false);
    expect(res.records).toHaveLength(2000);
    const locator = res.nextRecordsUrl!.split('/query/')[1]!;
    expect(res.nextRecordsUrl).toMatch(/\/services\/data\/v60\.0\/query\/[^/]+$/);
    expect(locator).not.toContain('/');
    const more = await conn.queryMore(res.nextRecordsUrl!);
    expect(more.done).toBe(true);
    expect(more.records).toHaveLength(503);
    expect(more.nextRecordsUrl).toBeUndefined();
    expect(new Set([...ids(res), ...ids(more)]).size).toBe(2503);
  });

  it('autoFetch walks every page', async () => {
    const records: unknown[] = [];
    await new Promise<void>((resolve, reject) => {
      conn.query('SELECT Id, LastName FROM Contact ORDER BY LastName')
        .on('record', (r) => records.push(r))
        .on('end', () => resolve())
        .on('error', reject)
        .run({ autoFetch: true, maxFetch: 10_000 });
    });
    expect(records).toHaveLength(2503);
  });

  it('honours Sforce-Query-Options batchSize (clamped to 200..2000)', async () => {
    const res = await conn.request<{ records: unknown[]; nextRecordsUrl?: string }>({
      method: 'GET',
      url: `/services/data/v60.0/query?q=${encodeURIComponent('SELECT Id FROM Contact')}`,
      headers: { 'Sforce-Query-Options': 'batchSize=500' },
    });
    expect(res.records).toHaveLength(500);
    expect(res.nextRecordsUrl).toMatch(/^\/services\/data\/v60\.0\/query\/[A-Za-z0-9]+-500$/);
    const tiny = await conn.request<{ records: unknown[] }>({
      method: 'GET',
      url: `/services/data/v60.0/query?q=${encodeURIComponent('SELECT Id FROM Contact')}`,
      headers: { 'Sforce-Query-Options': 'batchSize=10' },
    });
    expect(tiny.records).toHaveLength(200);
  });

  it('rejects an unknown locator with INVALID_QUERY_LOCATOR', async () => {
    const err = await errorOf(conn.queryMore('/services/data/v60.0/query/01gXX0000000000AAA-2000'));
    expect(err.errorCode).toBe('INVALID_QUERY_LOCATOR');
  });
});

describe('queryAll', () => {
  it('sees deleted rows that query hides, and its cursor works on /query/', async () => {
    const created = (await conn.sobject('Contact').create({ LastName: 'Ghost' })) as { id: string };
    await conn.sobject('Contact').destroy(created.id);
    const live = await conn.query("SELECT Id FROM Contact WHERE LastName = 'Ghost'");
    expect(live.totalSize).toBe(0);
    const all = await conn.query("SELECT Id, IsDeleted FROM Contact WHERE LastName = 'Ghost'", { scanAll: true });
    expect(all.records).toEqual([expect.objectContaining({ Id: created.id, IsDeleted: true })]);
    const paged = await conn.query('SELECT Id FROM Contact', { scanAll: true, autoFetch: false });
    expect(paged.totalSize).toBe(2504);
    const rest = await conn.queryMore(paged.nextRecordsUrl!);
    expect(rest.records).toHaveLength(504);
  });
});

describe('SOQL', () => {
  it('returns parent relationship fields as nested objects and null parents as null', async () => {
    const res = await conn.query<Record<string, unknown>>("SELECT Id, Name, Account.Name, Account.Industry FROM Contact WHERE Id IN ('003000000000001AAA', '003000000000002AAA') ORDER BY Name");
    expect(res.records[0]).toEqual({
      attributes: { type: 'Contact', url: '/services/data/v60.0/sobjects/Contact/003000000000001AAA' },
      Id: '003000000000001AAA', Name: 'Ada Lovelace',
      Account: { attributes: { type: 'Account', url: `/services/data/v60.0/sobjects/Account/${ACME}` }, Name: 'Acme', Industry: 'Technology' },
    });
    expect(res.records[1]!.Account).toBeNull();
  });

  it('filters with comparison operators, LIKE, IN, NOT IN, AND/OR/NOT and parentheses', async () => {
    const q = async (where: string) => (await conn.query(`SELECT Id FROM Contact WHERE ${where} ORDER BY Id`)).records.map((r) => r.Id);
    expect(await q("Email LIKE 'ADA%'")).toEqual(['003000000000001AAA']);
    expect(await q("LastName LIKE 'Turing\\_T%'")).toEqual(['003000000000003AAA']);
    expect(await q("LastName = 'o\\'hopper'")).toEqual(['003000000000002AAA']);
    expect(await q("Title IN ('CTO', 'Admiral')")).toEqual(['003000000000001AAA', '003000000000002AAA']);
    expect((await q("Title NOT IN ('CTO') AND Title != null"))).toEqual(['003000000000002AAA']);
    expect(await q("Email = null AND (Title = 'CTO' OR Title = 'Admiral')")).toEqual(['003000000000002AAA']);
    expect(await q("NOT (LastName LIKE 'Bulk%') AND Title <> 'CTO' AND Title != null")).toEqual(['003000000000002AAA']);
    expect(await q('HasOptedOutOfEmail = TRUE')).toEqual(['003000000000002AAA']);
    expect(await q('Birthdate < 1900-01-01')).toEqual(['003000000000001AAA']);
    expect(await q("Account.Industry = 'Energy' AND LastName LIKE 'Tur%'")).toEqual(['003000000000003AAA']);
    expect(await q('SystemModstamp >= 2024-01-01T00:00:00Z AND SystemModstamp < 2024-02-01T00:00:00.000+00:00')).toEqual(['003000000000001AAA']);
    expect(await q("Id = '003000000000001'")).toEqual(['003000000000001AAA']);
    expect((await conn.query('SELECT Id FROM Account WHERE NumberOfEmployees > 100')).records.map((r) => r.Id)).toEqual([ACME]);
    expect((await conn.query('SELECT Id FROM Contact WHERE CreatedDate = LAST_N_DAYS:1')).totalSize).toBeGreaterThan(2000);
  });

  it('refuses mixing AND and OR without parentheses', async () => {
    const err = await errorOf(conn.query("SELECT Id FROM Contact WHERE Title = 'a' AND Title = 'b' OR Title = 'c'"));
    expect(err.errorCode).toBe('MALFORMED_QUERY');
  });

  it('orders with ASC/DESC and NULLS FIRST/LAST, then applies OFFSET and LIMIT', async () => {
    const q = "SELECT Title FROM Contact WHERE Id IN ('003000000000001AAA','003000000000002AAA','003000000000003AAA')";
    const titles = async (order: string) => (await conn.query<{ Title: string | null }>(`${q} ORDER BY ${order}`)).records.map((r) => r.Title);
    expect(await titles('Title')).toEqual([null, 'Admiral', 'CTO']);
    expect(await titles('Title DESC')).toEqual(['CTO', 'Admiral', null]);
    expect(await titles('Title ASC NULLS LAST')).toEqual(['Admiral', 'CTO', null]);
    expect(await titles('Title DESC NULLS FIRST')).toEqual([null, 'CTO', 'Admiral']);
    expect((await conn.query(`${q} ORDER BY Title LIMIT 1 OFFSET 1`)).records.map((r) => r.Title)).toEqual(['Admiral']);
    const err = await errorOf(conn.query('SELECT Id FROM Contact LIMIT 5 OFFSET 2001'));
    expect(err.errorCode).toBe('NUMBER_OUTSIDE_VALID_RANGE');
  });

  it('answers COUNT() with totalSize only', async () => {
    const res = await conn.query("SELECT COUNT() FROM Contact WHERE AccountId = '001000000000001AAA'");
    expect(res.totalSize).toBe(1251);
    expect(res.records).toEqual([]);
  });

  it('supports child subqueries and semi-joins', async () => {
    const res = await conn.query<Record<string, { totalSize: number; records: unknown[] } | null>>(`SELECT Name, (SELECT Name, StageName FROM Opportunities) FROM Account ORDER BY Name`);
    expect(res.records[0]!.Opportunities).toMatchObject({ totalSize: 1, done: true, records: [{ Name: 'Big deal', StageName: 'Prospecting' }] });
    expect(res.records[1]!.Opportunities).toBeNull();
    const semi = await conn.query("SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Opportunity WHERE StageName = 'Prospecting')");
    expect(semi.records.map((r) => r.Id)).toEqual([ACME]);
  });

  it('accepts what the jsforce query builder emits', async () => {
    const rows = await conn.sobject('Contact')
      .find({ LastName: { $like: 'Love%' }, SystemModstamp: { $gt: jsforce.SfDate.toDateTimeLiteral(new Date('2024-01-01T00:00:00Z')) }, Email: { $ne: null } }, ['Id', 'Email', 'Account.Name'])
      .sort({ SystemModstamp: 1, Id: -1 })
      .limit(200)
      .offset(0);
    expect(rows.map((r) => r.Id)).toEqual(['003000000000001AAA']);
  });

  it("reports errors in Salesforce's shape", async () => {
    const malformed = await errorOf(conn.query('SELECT Id FROM Contact WHERE'));
    expect(malformed.errorCode).toBe('MALFORMED_QUERY');
    expect(malformed.message).toContain('ERROR at Row:1:Column:29');
    const field = await errorOf(conn.query('SELECT Id, Foo FROM Contact'));
    expect(field.errorCode).toBe('INVALID_FIELD');
    expect(field.message).toContain("No such column 'Foo' on entity 'Contact'");
    const rel = await errorOf(conn.query('SELECT Nope.Name FROM Contact'));
    expect(rel.errorCode).toBe('INVALID_FIELD');
    const type = await errorOf(conn.query('SELECT Id FROM Widget__c'));
    expect(type.errorCode).toBe('INVALID_TYPE');
    const filter = await errorOf(conn.query('SELECT Id FROM Contact WHERE CreatedDate > 2024-01-01'));
    expect(filter.errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR');
    const res = await fetch(`${sb.url}/services/data/v60.0/query?q=SELEC`, { headers: { Authorization: `Bearer ${conn.accessToken}` } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await res.json()) as unknown[])[0]).toMatchObject({ errorCode: 'MALFORMED_QUERY' });
  });
});
