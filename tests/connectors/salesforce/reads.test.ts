/**
 * Reads of the Salesforce connector against the sandbox, through real jsforce: describe (custom fields added at
 * run time included), fetch by ids (one SOQL IN query per ≤300 ids, counted in /_sandbox/stats), parent fields,
 * and paging through more than 2,000 records with query + queryMore.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FIELD_TYPES } from '../../../connectors/contract/index.ts';
import type { SalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import { QUERY_ALL_ROUTE, QUERY_MORE_ROUTE, QUERY_ROUTE, addCustomField, collect, connectorFor, contacts, resetStats, startSandbox, stats } from './helpers.ts';

let sb: SalesforceSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

describe('Salesforce connector: describe', () => {
  it('describes Contact, Account, Opportunity and Lead with mapped types and SystemModstamp as modified field', async () => {
    sb = await startSandbox();
    const connector = connectorFor(sb);
    expect(connector.crm).toBe('salesforce');
    expect(connector.webhooks).toBeUndefined();
    expect(connector.limits).toEqual({ fetchByIds: 300, create: 200, update: 200, upsert: 200, delete: 200, maxPageSize: 2000 });
    const described = await connector.describeObjects();
    expect(described.map((d) => d.name)).toEqual(['Contact', 'Account', 'Opportunity', 'Lead']);
    for (const d of described) {
      expect(d).toMatchObject({ idField: 'Id', modifiedField: 'SystemModstamp', custom: false });
      for (const f of d.fields) expect(FIELD_TYPES).toContain(f.type);
    }
    const contact = described[0]!;
    const field = (name: string) => contact.fields.find((f) => f.name === name);
    expect(field('Id')).toMatchObject({ type: 'id', nativeType: 'id', createable: false });
    expect(field('Email')).toMatchObject({ type: 'email', nativeType: 'email', createable: true, updateable: true });
    expect(field('Description')).toMatchObject({ type: 'text', nativeType: 'textarea' });
    expect(field('AccountId')).toMatchObject({ type: 'reference', referenceTo: ['Account'] });
    expect(field('LeadSource')?.picklistValues?.length).toBeGreaterThan(0);
    expect(field('SystemModstamp')).toMatchObject({ type: 'datetime' });
    expect(field('External_Id__c')).toMatchObject({ custom: true, externalId: true, unique: true });
    const opportunity = described.find((d) => d.name === 'Opportunity')!;
    expect(opportunity.fields.find((f) => f.name === 'Amount')).toMatchObject({ type: 'currency' });
    expect(opportunity.fields.find((f) => f.name === 'Probability')).toMatchObject({ type: 'percent' });
  });

  it('a custom field added at run time appears in the next describe, and in default field lists', async () => {
    sb = await startSandbox({ demoSeed: { Contact: contacts(3) } });
    const connector = connectorFor(sb);
    const before = (await connector.describeObjects(['Contact']))[0]!;
    expect(before.fields.some((f) => f.name === 'Loyalty_Tier__c')).toBe(false);

    await addCustomField(sb, { object: 'Contact', name: 'Loyalty_Tier', type: 'picklist', label: 'Loyalty tier', picklistValues: ['Gold', 'Silver'] });
    await addCustomField(sb, { object: 'Contact', name: 'Score', type: 'double', label: 'Score' });
    const after = (await connector.describeObjects(['Contact']))[0]!;
    expect(after.fields.find((f) => f.name === 'Loyalty_Tier__c')).toMatchObject({
      type: 'picklist', nativeType: 'picklist', custom: true, label: 'Loyalty tier',
      picklistValues: [expect.objectContaining({ value: 'Gold' }), expect.objectContaining({ value: 'Silver' })],
    });
    expect(after.fields.find((f) => f.name === 'Score__c')).toMatchObject({ type: 'float', nativeType: 'double', custom: true });

    // describeObjects refreshed the cache: a fetch without a field list now selects the new field.
    const id = sb.store.all('Contact')[0]!.Id;
    const record = (await connector.fetchByIds('Contact', [id])).get(id)!;
    expect(record.fields).toHaveProperty('Loyalty_Tier__c', null);
  });
});

describe('Salesforce connector: fetchByIds', () => {
  it('100 ids cost exactly one upstream call: one SOQL IN query', async () => {
    sb = await startSandbox({ demoSeed: { Contact: contacts(150) } });
    const connector = connectorFor(sb);
    await connector.describeObjects(['Contact']); // warms the token and the describe cache
    const ids = sb.store.all('Contact').slice(0, 100).map((r) => r.Id);
    await resetStats(sb);
    const found = await connector.fetchByIds('Contact', ids);
    const s = await stats(sb);
    expect(s.total).toBe(1);
    expect(s.routes[QUERY_ROUTE]).toBe(1);
    expect(found.size).toBe(100);
    const first = found.get(ids[0]!)!;
    expect(first).toMatchObject({ id: ids[0], objectType: 'Contact' });
    expect(first.modifiedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    expect(first.fields).toHaveProperty('Email');
    expect(first.fields).not.toHaveProperty('attributes');
  });

  it('with an explicit field list, also one call; parent fields come flattened; unknown and malformed ids are absent', async () => {
    sb = await startSandbox({ demoSeed: { Account: [{ Name: 'Acme' }], Contact: contacts(2) } });
    const connector = connectorFor(sb);
    const accountId = sb.store.all('Account')[0]!.Id;
    const [c1, c2] = sb.store.all('Contact').map((r) => r.Id);
    await connector.updateMany('Contact', [{ id: c1!, fields: { AccountId: accountId } }]);
    await resetStats(sb);
    const unknown = `${c1!.slice(0, 5)}ZZZZZZZZZZ`;
    const found = await connector.fetchByIds('Contact', [c1!, c2!.slice(0, 15), unknown, 'not-an-id'], { fields: ['LastName', 'Account.Name'] });
    expect((await stats(sb)).total).toBe(1);
    expect([...found.keys()].sort()).toEqual([c1!, c2!.slice(0, 15)].sort());
    expect(found.get(c1!)!.fields).toMatchObject({ Id: c1, LastName: 'Seed00000', 'Account.Name': 'Acme' });
    // Keyed by the 15-character id the caller asked with, the record itself carries the 18-character id.
    expect(found.get(c2!.slice(0, 15))).toMatchObject({ id: c2, fields: { 'Account.Name': null } });
  });

  it('650 ids are split into three IN queries of at most 300', async () => {
    sb = await startSandbox({ demoSeed: { Contact: contacts(650) } });
    const connector = connectorFor(sb);
    const ids = sb.store.all('Contact').map((r) => r.Id);
    await connector.describeObjects(['Contact']);
    await resetStats(sb);
    const found = await connector.fetchByIds('Contact', ids, { fields: ['Email'] });
    expect(found.size).toBe(650);
    expect((await stats(sb)).routes[QUERY_ROUTE]).toBe(3);
  });

  it('a bad field name is refused as CRM_VALIDATION before anything is sent', async () => {
    sb = await startSandbox({ demoSeed: { Contact: contacts(1) } });
    const connector = connectorFor(sb);
    const id = sb.store.all('Contact')[0]!.Id;
    await expect(connector.fetchByIds('Contact', [id], { fields: ['Email FROM User --'] })).rejects.toMatchObject({ code: 'CRM_VALIDATION', crm: 'salesforce' });
    // A well-formed path Salesforce does not know fails the query (a missing plain field would be left out after a
    // describe: deleted-fields.test.ts).
    await expect(connector.fetchByIds('Contact', [id], { fields: ['NoSuchField__r.Name'] })).rejects.toMatchObject({
      code: 'CRM_VALIDATION', crm: 'salesforce', details: { nativeCode: 'INVALID_FIELD' },
    });
  });
});

describe('Salesforce connector: pageRecords', () => {
  it('pages through 4,500 records with query + queryMore, 2,000 per page', async () => {
    sb = await startSandbox({ demoSeed: { Contact: contacts(4_500) } });
    const connector = connectorFor(sb);
    await connector.describeObjects(['Contact']);
    await resetStats(sb);
    const pages = await collect(connector.pageRecords('Contact', { fields: ['LastName'] }));
    expect(pages.map((p) => p.length)).toEqual([2000, 2000, 500]);
    const ids = new Set(pages.flat().map((r) => r.id));
    expect(ids.size).toBe(4_500);
    const s = await stats(sb);
    expect(s.routes).toEqual({ [QUERY_ROUTE]: 1, [QUERY_MORE_ROUTE]: 2 });
  });

  it('honours pageSize, stops fetching when the consumer breaks, and includes recycle-bin rows when asked', async () => {
    sb = await startSandbox({ demoSeed: { Contact: contacts(1_000, { deletedEvery: 10 }) } });
    const connector = connectorFor(sb);
    const pages = await collect(connector.pageRecords('Contact', { fields: ['LastName'], pageSize: 300 }));
    expect(pages.map((p) => p.length)).toEqual([300, 300, 300]);
    await resetStats(sb);
    for await (const page of connector.pageRecords('Contact', { fields: ['LastName'], pageSize: 200 })) {
      expect(page).toHaveLength(200);
      break;
    }
    expect((await stats(sb)).total).toBe(1);
    const withDeleted = (await collect(connector.pageRecords('Contact', { fields: ['LastName'], includeDeleted: true }))).flat();
    expect(withDeleted).toHaveLength(1_000);
    expect(withDeleted.filter((r) => r.deleted)).toHaveLength(100);
    expect((await stats(sb)).routes[QUERY_ALL_ROUTE]).toBe(1);
  });
});
