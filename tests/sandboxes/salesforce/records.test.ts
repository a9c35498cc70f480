import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'jsforce';
import type { SalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import { errorOf, start } from './helpers.ts';

let sb: SalesforceSandbox;
let conn: Connection;
let accountId: string;
beforeAll(async () => {
  ({ sb, conn } = await start());
  accountId = ((await conn.sobject('Account').create({ Name: 'Acme' })) as { id: string }).id;
});
afterAll(() => sb.close());

const TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/;

async function ledgerCount(): Promise<number> {
  const res = await fetch(`${sb.url}/_sandbox/ledger`);
  return ((await res.json()) as { entries: unknown[] }).entries.length;
}

describe('sObject CRUD through jsforce', () => {
  it('creates, retrieves, updates and destroys', async () => {
    const created = (await conn.sobject('Contact').create({ FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@acme.test', AccountId: accountId })) as { id: string; success: boolean; errors: unknown[] };
    expect(created).toEqual({ id: expect.stringMatching(/^003\w{15}$/), success: true, errors: [] });
    const rec = await conn.sobject('Contact').retrieve(created.id);
    expect(rec).toMatchObject({ attributes: { type: 'Contact' }, Id: created.id, Name: 'Ada Lovelace', AccountId: accountId, IsDeleted: false, Phone: null });
    expect(rec.SystemModstamp).toMatch(TS);
    expect(rec.CreatedDate).toBe(rec.LastModifiedDate);

    const updated = await conn.sobject('Contact').update({ Id: created.id, Title: 'CTO', FirstName: 'Augusta' });
    expect(updated).toEqual({ id: created.id, success: true, errors: [] });
    const after = await conn.sobject('Contact').retrieve(created.id, { fields: ['Title', 'Name', 'SystemModstamp', 'LastModifiedDate'] });
    expect(after).toMatchObject({ Title: 'CTO', Name: 'Augusta Lovelace' });
    expect(Object.keys(after)).toEqual(['attributes', 'Title', 'Name', 'SystemModstamp', 'LastModifiedDate']);
    expect(after.SystemModstamp > rec.SystemModstamp!).toBe(true);
    expect(after.LastModifiedDate).toBe(after.SystemModstamp);

    await conn.sobject('Contact').destroy(created.id);
    const gone = await errorOf(conn.sobject('Contact').retrieve(created.id));
    expect(gone.errorCode).toBe('ENTITY_IS_DELETED');
    const again = await errorOf(conn.sobject('Contact').update({ Id: created.id, Title: 'x' }));
    expect(again.errorCode).toBe('ENTITY_IS_DELETED');
  });

  it('every write bumps SystemModstamp, even within the same millisecond', async () => {
    const { id } = (await conn.sobject('Contact').create({ LastName: 'Stamp' })) as { id: string };
    const stamps = new Set<string>();
    for (let i = 0; i < 5; i++) {
      await conn.sobject('Contact').update({ Id: id, Title: `t${i}` });
      stamps.add((await conn.sobject('Contact').retrieve(id)).SystemModstamp as string);
    }
    expect(stamps.size).toBe(5);
  });

  it('accepts 15-character ids and returns 18', async () => {
    const { id } = (await conn.sobject('Contact').create({ LastName: 'Short' })) as { id: string };
    const rec = await conn.sobject('Contact').retrieve(id.slice(0, 15));
    expect(rec.Id).toBe(id);
  });

  it('answers NOT_FOUND for unknown records and objects', async () => {
    expect((await errorOf(conn.sobject('Contact').retrieve('003000000000099AAA'))).errorCode).toBe('NOT_FOUND');
    expect((await errorOf(conn.sobject('Widget__c').create({ Name: 'x' }))).errorCode).toBe('NOT_FOUND');
  });
});

describe('upsert by external id', () => {
  it('creates (201, created:true) then updates (200, created:false)', async () => {
    const first = await conn.sobject('Contact').upsert({ External_Id__c: 'EXT-1', LastName: 'Hopper' }, 'External_Id__c');
    expect(first).toMatchObject({ success: true, created: true });
    const second = await conn.sobject('Contact').upsert({ External_Id__c: 'EXT-1', Title: 'Admiral' }, 'External_Id__c');
    expect(second).toMatchObject({ success: true, created: false, id: (first as { id: string }).id });
    const rec = await conn.sobject('Contact').retrieve((first as { id: string }).id);
    expect(rec).toMatchObject({ LastName: 'Hopper', Title: 'Admiral', External_Id__c: 'EXT-1' });
  });

  it('404s an unknown external id field', async () => {
    const err = await errorOf(conn.sobject('Contact').upsert({ Nope__c: 'x', LastName: 'y' }, 'Nope__c'));
    expect(err.errorCode).toBe('NOT_FOUND');
  });
});

describe('validation (a rejected write stores nothing)', () => {
  it('REQUIRED_FIELD_MISSING names the fields', async () => {
    const before = sb.store.count('Contact');
    const ledger = await ledgerCount();
    const err = await errorOf(conn.sobject('Contact').create({ FirstName: 'Nameless' }));
    expect(err.errorCode).toBe('REQUIRED_FIELD_MISSING');
    expect((err.data as { fields: string[] }).fields).toEqual(['LastName']);
    const opp = await errorOf(conn.sobject('Opportunity').create({ Name: 'Deal' }));
    expect(opp.message).toBe('Required fields are missing: [StageName, CloseDate]');
    expect(sb.store.count('Contact')).toBe(before);
    expect(await ledgerCount()).toBe(ledger);
  });

  it('DUPLICATE_VALUE on a unique external id', async () => {
    await conn.sobject('Contact').create({ LastName: 'One', External_Id__c: 'DUP-1' });
    const err = await errorOf(conn.sobject('Contact').create({ LastName: 'Two', External_Id__c: 'dup-1' }));
    expect(err.errorCode).toBe('DUPLICATE_VALUE');
    expect(err.message).toMatch(/^duplicate value found: External_Id__c duplicates value on record with id: 003/);
    expect((await conn.query("SELECT Id FROM Contact WHERE LastName = 'Two'")).totalSize).toBe(0);
  });

  it('INVALID_EMAIL_ADDRESS, restricted picklists, bad references, unknown and read-only fields', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['Contact', { LastName: 'x', Email: 'not-an-email' }, 'INVALID_EMAIL_ADDRESS'],
      ['Opportunity', { Name: 'x', StageName: 'Dreaming', CloseDate: '2024-01-01' }, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST'],
      ['Contact', { LastName: 'x', AccountId: '001000000000099AAA' }, 'INVALID_CROSS_REFERENCE_KEY'],
      ['Contact', { LastName: 'x', AccountId: 'garbage' }, 'MALFORMED_ID'],
      ['Contact', { LastName: 'x', Foo__c: 1 }, 'INVALID_FIELD'],
      ['Contact', { LastName: 'x', Name: 'Full' }, 'INVALID_FIELD_FOR_INSERT_UPDATE'],
      ['Contact', { LastName: 'x', HasOptedOutOfEmail: 'maybe' }, 'JSON_PARSER_ERROR'],
      ['Contact', { LastName: 'x'.repeat(81) }, 'STRING_TOO_LONG'],
    ];
    for (const [type, body, code] of cases) {
      const err = await errorOf(conn.sobject(type).create(body));
      expect(err.errorCode, JSON.stringify(body)).toBe(code);
    }
    expect((await conn.query("SELECT Id FROM Contact WHERE LastName = 'x'")).totalSize).toBe(0);
  });

  it('an update that sets a required field to null is refused and changes nothing', async () => {
    const { id } = (await conn.sobject('Contact').create({ LastName: 'Keep', Title: 'Before' })) as { id: string };
    const err = await errorOf(conn.sobject('Contact').update({ Id: id, LastName: null, Title: 'After' }));
    expect(err.errorCode).toBe('REQUIRED_FIELD_MISSING');
    expect(await conn.sobject('Contact').retrieve(id)).toMatchObject({ LastName: 'Keep', Title: 'Before' });
  });

  it('derives Opportunity stage fields', async () => {
    const { id } = (await conn.sobject('Opportunity').create({ Name: 'Deal', StageName: 'Closed Won', CloseDate: '2024-05-01', Amount: 200, AccountId: accountId })) as { id: string };
    expect(await conn.sobject('Opportunity').retrieve(id)).toMatchObject({ IsClosed: true, IsWon: true, Probability: 100, ExpectedRevenue: 200, ForecastCategoryName: 'Closed' });
  });

  it('a malformed JSON body is JSON_PARSER_ERROR', async () => {
    const res = await fetch(`${sb.url}/services/data/v60.0/sobjects/Contact`, { method: 'POST', headers: { Authorization: `Bearer ${conn.accessToken}`, 'content-type': 'application/json' }, body: '{"LastName":' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await res.json()) as { errorCode: string }[])[0]!.errorCode).toBe('JSON_PARSER_ERROR');
  });
});
