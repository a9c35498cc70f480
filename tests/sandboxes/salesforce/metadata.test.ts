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

const addField = (spec: Record<string, unknown>) =>
  fetch(`${sb.url}/_sandbox/salesforce/fields`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });

describe('describe', () => {
  it('describeGlobal lists the four objects and the read-only User', async () => {
    const res = await conn.describeGlobal();
    expect(res.encoding).toBe('UTF-8');
    expect(res.maxBatchSize).toBe(200);
    expect(res.sobjects.map((s) => [s.name, s.keyPrefix, s.createable])).toEqual([
      ['User', '005', false], ['Account', '001', true], ['Contact', '003', true], ['Opportunity', '006', true], ['Lead', '00Q', true],
    ]);
  });

  it('resolves owners: Owner.Name, SELECT FROM User, and refuses writes to User', async () => {
    const { id } = (await conn.sobject('Contact').create({ LastName: 'Owned' })) as { id: string };
    const res = await conn.query<{ Owner: { Name: string } }>(`SELECT Id, Owner.Name, CreatedBy.Username FROM Contact WHERE Id = '${id}'`);
    expect(res.records[0]).toMatchObject({ Owner: { Name: 'Integration User' }, CreatedBy: { Username: 'integration@customer-graph.sandbox' } });
    expect((await conn.query('SELECT Id, Name FROM User')).totalSize).toBe(1);
    const err = await errorOf(conn.sobject('User').create({ LastName: 'Nope' }));
    expect(err.errorCode).toBe('INSUFFICIENT_ACCESS_OR_READONLY');
    const badOwner = await errorOf(conn.sobject('Contact').create({ LastName: 'x', OwnerId: '005000000000099AAA' }));
    expect(badOwner.errorCode).toBe('INVALID_CROSS_REFERENCE_KEY');
  });

  it('describes standard fields, references, picklists and the external id', async () => {
    const d = await conn.describe('Contact');
    expect(d).toMatchObject({ name: 'Contact', label: 'Contact', keyPrefix: '003', createable: true, queryable: true, replicateable: true });
    const field = (name: string) => d.fields.find((f) => f.name === name)!;
    expect(field('AccountId')).toMatchObject({ type: 'reference', referenceTo: ['Account'], relationshipName: 'Account', soapType: 'tns:ID', length: 18, nillable: true });
    expect(field('LastName')).toMatchObject({ type: 'string', length: 80, nillable: false, createable: true });
    expect(field('Name')).toMatchObject({ createable: false, updateable: false });
    expect(field('Email').type).toBe('email');
    expect(field('LeadSource').picklistValues).toContainEqual({ active: true, defaultValue: false, label: 'Web', validFor: null, value: 'Web' });
    expect(field('External_Id__c')).toMatchObject({ custom: true, externalId: true, idLookup: true, unique: true });
    expect(field('SystemModstamp')).toMatchObject({ type: 'datetime', createable: false });
    for (const name of ['Id', 'IsDeleted', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'OwnerId']) expect(field(name)).toBeDefined();
    const opp = await conn.describe('Opportunity');
    expect(opp.fields.find((f) => f.name === 'StageName')).toMatchObject({ type: 'picklist', restrictedPicklist: true, nillable: false });
    const acct = await conn.describe('Account');
    expect(acct.childRelationships.map((c) => c.relationshipName)).toEqual(expect.arrayContaining(['Contacts', 'Opportunities', 'ChildAccounts']));
    const lead = await conn.describe('Lead');
    expect(lead.fields.find((f) => f.name === 'Company')).toMatchObject({ nillable: false });
  });

  it('404s an unknown object', async () => {
    expect((await errorOf(conn.describe('Widget__c'))).errorCode).toBe('NOT_FOUND');
  });
});

describe('custom fields added at run time', () => {
  it('appear in describe and are writable and queryable', async () => {
    const res = await addField({ object: 'Contact', name: 'Loyalty_Tier__c', type: 'picklist', label: 'Loyalty Tier', picklistValues: ['Gold', 'Silver'], restricted: true });
    expect(res.status).toBe(201);
    const d = await conn.describe('Contact');
    expect(d.fields.find((f) => f.name === 'Loyalty_Tier__c')).toMatchObject({ custom: true, label: 'Loyalty Tier', type: 'picklist', restrictedPicklist: true, picklistValues: [expect.objectContaining({ value: 'Gold' }), expect.objectContaining({ value: 'Silver' })] });

    const { id } = (await conn.sobject('Contact').create({ LastName: 'Tiered', Loyalty_Tier__c: 'Gold' })) as { id: string };
    const rows = await conn.query<{ Loyalty_Tier__c: string }>("SELECT Id, Loyalty_Tier__c FROM Contact WHERE Loyalty_Tier__c = 'Gold'");
    expect(rows.records).toEqual([expect.objectContaining({ Id: id, Loyalty_Tier__c: 'Gold' })]);
    const bad = await errorOf(conn.sobject('Contact').create({ LastName: 'x', Loyalty_Tier__c: 'Platinum' }));
    expect(bad.errorCode).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
  });

  it('adds the __c suffix, supports numbers and rejects duplicates or unknown objects', async () => {
    expect((await addField({ object: 'Account', name: 'Score', type: 'double', label: 'Score' })).status).toBe(201);
    await conn.sobject('Account').create({ Name: 'Scored', Score__c: 4.5 });
    expect((await conn.query('SELECT Name FROM Account WHERE Score__c > 4')).totalSize).toBe(1);
    expect((await addField({ object: 'Account', name: 'Score__c', type: 'double' })).status).toBe(400);
    expect((await addField({ object: 'Widget', name: 'X__c', type: 'string' })).status).toBe(400);
  });
});

describe('custom fields deleted at run time', () => {
  const deleteField = (object: string, name: string) => fetch(`${sb.url}/_sandbox/salesforce/fields/${object}/${name}`, { method: 'DELETE' });

  it('leave describe, queries, writes and the stored records', async () => {
    expect((await addField({ object: 'Contact', name: 'Shoe_Size', type: 'double' })).status).toBe(201);
    const { id } = (await conn.sobject('Contact').create({ LastName: 'Shod', Shoe_Size__c: 42 })) as { id: string };
    expect((await conn.query(`SELECT Shoe_Size__c FROM Contact WHERE Id = '${id}'`)).records[0]).toMatchObject({ Shoe_Size__c: 42 });
    const before = sb.store.get('Contact', id)!;

    const res = await deleteField('contact', 'shoe_size__C');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'Shoe_Size__c', custom: true, type: 'double' });

    expect((await conn.describe('Contact')).fields.some((f) => f.name === 'Shoe_Size__c')).toBe(false);
    expect((await errorOf(conn.query(`SELECT Id, Shoe_Size__c FROM Contact WHERE Id = '${id}'`))).errorCode).toBe('INVALID_FIELD');
    expect((await errorOf(conn.sobject('Contact').update({ Id: id, Shoe_Size__c: 43 }))).errorCode).toBe('INVALID_FIELD');
    const after = sb.store.get('Contact', id)!;
    expect(after).not.toHaveProperty('Shoe_Size__c');
    expect(after.SystemModstamp).toBe(before.SystemModstamp);
    const custom = (await (await fetch(`${sb.url}/_sandbox/salesforce/fields/Contact`)).json()) as { name: string }[];
    expect(custom.map((f) => f.name)).not.toContain('Shoe_Size__c');
  });

  it('404 for an unknown object or field, 400 for a standard field', async () => {
    expect((await deleteField('Contact', 'Never_There__c')).status).toBe(404);
    expect((await deleteField('Widget', 'X__c')).status).toBe(404);
    const standard = await deleteField('Contact', 'Email');
    expect(standard.status).toBe(400);
    expect(((await standard.json()) as { error: string }).error).toMatch(/standard field/);
    expect((await conn.describe('Contact')).fields.some((f) => f.name === 'Email')).toBe(true);
  });
});
