import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'jsforce';
import type { SalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import { errorOf, start } from './helpers.ts';

let sb: SalesforceSandbox;
let conn: Connection;
beforeAll(async () => {
  ({ sb, conn } = await start());
});
afterAll(() => sb.close());

type Result = { id?: string; success: boolean; errors: { statusCode: string; message: string; fields: string[] }[]; created?: boolean };

describe('sObject Collections through jsforce', () => {
  it('creates, updates, retrieves and destroys many', async () => {
    const created = (await conn.sobject('Contact').create([
      { LastName: 'A', Email: 'a@x.test' },
      { LastName: 'B', Email: 'bad' },
      { LastName: 'C' },
    ])) as Result[];
    expect(created[0]).toEqual({ id: expect.stringMatching(/^003/), success: true, errors: [] });
    expect(created[1]).toEqual({ success: false, errors: [{ statusCode: 'INVALID_EMAIL_ADDRESS', message: 'Email: invalid email address: bad', fields: ['Email'] }] });
    expect(created[2]!.success).toBe(true);
    const ids = [created[0]!.id!, created[2]!.id!];

    const updated = (await conn.sobject('Contact').update([
      { Id: ids[0]!, Title: 'One' },
      { Id: ids[1]!, LastName: null },
    ])) as Result[];
    expect(updated[0]).toEqual({ id: ids[0], success: true, errors: [] });
    expect(updated[1]).toMatchObject({ id: ids[1], success: false, errors: [{ statusCode: 'REQUIRED_FIELD_MISSING' }] });

    const read = await conn.sobject('Contact').retrieve([ids[0]!, '003000000000099AAA', ids[1]!], { fields: ['LastName', 'Title'] });
    expect(read).toEqual([
      { attributes: expect.objectContaining({ type: 'Contact' }), LastName: 'A', Title: 'One' },
      null,
      { attributes: expect.objectContaining({ type: 'Contact' }), LastName: 'C', Title: null },
    ]);
    // Without fields jsforce describes first and asks for every field.
    const full = await conn.sobject('Contact').retrieve([ids[0]!]);
    expect(full[0]).toMatchObject({ Id: ids[0], SystemModstamp: expect.any(String) });

    const destroyed = (await conn.sobject('Contact').destroy([ids[0]!, ids[0]!.replace(/^003\w{3}/, '003ZZZ')])) as Result[];
    expect(destroyed[0]).toEqual({ id: ids[0], success: true, errors: [] });
    expect(destroyed[1]!.success).toBe(false);
    expect((await conn.query('SELECT Id FROM Contact WHERE IsDeleted = true', { scanAll: true })).totalSize).toBe(1);
  });

  it('upserts many by external id with created flags', async () => {
    await conn.sobject('Account').upsert([{ External_Id__c: 'U-1', Name: 'One' }], 'External_Id__c');
    const res = (await conn.sobject('Account').upsert([
      { External_Id__c: 'U-1', Name: 'One renamed' },
      { External_Id__c: 'U-2', Name: 'Two' },
    ], 'External_Id__c')) as Result[];
    expect(res.map((r) => [r.success, r.created])).toEqual([[true, false], [true, true]]);
    const names = (await conn.query<{ Name: string }>("SELECT Name FROM Account WHERE External_Id__c IN ('U-1','U-2') ORDER BY Name")).records.map((r) => r.Name);
    expect(names).toEqual(['One renamed', 'Two']);
  });

  it('allOrNone rolls everything back and stores nothing', async () => {
    const ledgerBefore = ((await (await fetch(`${sb.url}/_sandbox/ledger`)).json()) as { entries: unknown[] }).entries.length;
    const before = sb.store.count('Contact');
    const res = (await conn.sobject('Contact').create([
      { LastName: 'Good 1' },
      { FirstName: 'No last name' },
      { LastName: 'Good 2' },
    ], { allOrNone: true })) as Result[];
    expect(res[0]).toEqual({ success: false, errors: [{ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK', message: expect.stringContaining('rolled back'), fields: [] }] });
    expect(res[1]!.errors[0]!.statusCode).toBe('REQUIRED_FIELD_MISSING');
    expect(res[2]!.errors[0]!.statusCode).toBe('ALL_OR_NONE_OPERATION_ROLLED_BACK');
    expect(sb.store.count('Contact')).toBe(before);
    expect((await conn.query("SELECT Id FROM Contact WHERE LastName LIKE 'Good%'")).totalSize).toBe(0);
    const ledgerAfter = ((await (await fetch(`${sb.url}/_sandbox/ledger`)).json()) as { entries: unknown[] }).entries.length;
    expect(ledgerAfter).toBe(ledgerBefore);
  });

  it('allOrNone updates roll back earlier successful updates', async () => {
    const [a] = (await conn.sobject('Contact').create([{ LastName: 'Stable', Title: 'Original' }])) as Result[];
    const res = (await conn.sobject('Contact').update([
      { Id: a!.id!, Title: 'Changed' },
      { Id: '003000000000099AAA', Title: 'Missing' },
    ], { allOrNone: true })) as Result[];
    expect(res.every((r) => !r.success)).toBe(true);
    expect((await conn.sobject('Contact').retrieve(a!.id!)).Title).toBe('Original');
  });

  it('refuses more than 200 records', async () => {
    const records = Array.from({ length: 201 }, (_, i) => ({ LastName: `Many ${i}` }));
    const err = await errorOf(conn.sobject('Contact').create(records));
    expect(err.errorCode).toBe('EXCEEDED_ID_LIMIT');
    expect((await conn.query("SELECT COUNT() FROM Contact WHERE LastName LIKE 'Many%'")).totalSize).toBe(0);
    // jsforce splits into chunks of 200 itself when allowed to.
    const ok = (await conn.sobject('Contact').create(records, { allowRecursive: true })) as Result[];
    expect(ok.filter((r) => r.success)).toHaveLength(201);
  });
});
