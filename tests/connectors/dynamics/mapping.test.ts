/**
 * Dataverse rows ↔ the connector's flat records, both ways, against the sandbox: lookups read from `_x_value` under
 * the attribute's name (a polymorphic one with its table in `…type`) and written with `@odata.bind`; choices as
 * option labels both ways; describe's types, labels, targets, read-only and required columns.
 */
import { describe, expect, it } from 'vitest';
import { countCalls } from '../contract-suite/sandbox-control.ts';
import { HOUR_AGO, connect, guid, start } from './helpers.ts';

const ACCOUNT = guid(1);
const PERSON = guid(2);

async function seeded() {
  return start({
    accounts: [{ accountid: ACCOUNT, name: 'Acme', industrycode: 7, modifiedon: HOUR_AGO }],
    contacts: [
      { contactid: PERSON, firstname: 'Ada', lastname: 'Lovelace', _parentcustomerid_value: ACCOUNT, modifiedon: HOUR_AGO },
      { contactid: guid(3), firstname: 'Bob', lastname: 'Child', _parentcustomerid_value: PERSON, statecode: 1, modifiedon: HOUR_AGO },
    ],
    opportunities: [{ opportunityid: guid(4), name: 'Big deal', _customerid_value: PERSON, salesstage: 1, modifiedon: HOUR_AGO }],
  });
}

describe('dynamics record mapping', () => {
  it('reads lookups under their attribute name, a polymorphic lookup with its table, and choices as labels', async () => {
    const sandbox = await seeded();
    const connector = connect(sandbox);
    const contacts = await connector.fetchByIds('contacts', [PERSON, guid(3)], { fields: ['fullname', 'parentcustomerid', 'parentcustomeridtype', 'statecode'] });
    expect(contacts.get(PERSON)?.fields).toEqual({ fullname: 'Ada Lovelace', parentcustomerid: ACCOUNT, parentcustomeridtype: 'account', statecode: 'Active' });
    expect(contacts.get(guid(3))?.fields).toEqual({ fullname: 'Bob Child', parentcustomerid: PERSON, parentcustomeridtype: 'contact', statecode: 'Inactive' });

    const deal = (await connector.fetchByIds('opportunities', [guid(4)])).get(guid(4))!;
    // Every column when no fields are named: labels, lookups by name, no `_x_value` or annotation keys.
    expect(deal.fields).toMatchObject({ name: 'Big deal', customerid: PERSON, customeridtype: 'contact', salesstage: 'Develop', statecode: 'Open', statuscode: 'In Progress' });
    expect(Object.keys(deal.fields).filter((k) => k.startsWith('_') || k.includes('@'))).toEqual([]);
    expect(deal.modifiedAt).toBe(HOUR_AGO);
    const account = (await connector.fetchByIds('accounts', [ACCOUNT], { fields: ['industrycode', 'parentaccountid'] })).get(ACCOUNT)!;
    expect(account.fields).toEqual({ industrycode: 'Consulting', parentaccountid: null });
  });

  it('writes a lookup guid with @odata.bind (polymorphic: the …type given, else the first target) and labels as integers', async () => {
    const sandbox = await seeded();
    const connector = connect(sandbox);
    const created = await connector.createMany('contacts', [
      { fields: { lastname: 'ToAccount', parentcustomerid: ACCOUNT } },
      { fields: { lastname: 'ToContact', parentcustomerid: PERSON, parentcustomeridtype: 'contact' } },
      { fields: { lastname: 'Inactive', statecode: 'inactive' } },
    ]);
    expect(created.map((r) => r.ok)).toEqual([true, true, true]);
    const ids = created.map((r) => (r.ok ? r.id : ''));
    const stored = ids.map((id) => sandbox.store.get('contacts', id)!);
    expect([stored[0]!._parentcustomerid_value, stored[1]!._parentcustomerid_value]).toEqual([ACCOUNT, PERSON]);
    expect(stored[2]!.statecode).toBe(1);
    const back = await connector.fetchByIds('contacts', ids, { fields: ['parentcustomerid', 'parentcustomeridtype', 'statecode'] });
    expect(back.get(ids[1]!)?.fields).toEqual({ parentcustomerid: PERSON, parentcustomeridtype: 'contact', statecode: 'Active' });

    const deals = await connector.createMany('opportunities', [{ fields: { name: 'New deal', salesstage: 'Propose', customerid: ACCOUNT, estimatedclosedate: new Date('2027-03-01T00:00:00Z') } }]);
    const dealId = deals[0]!.ok ? deals[0]!.id : '';
    expect(sandbox.store.get('opportunities', dealId)).toMatchObject({ salesstage: 2, _customerid_value: ACCOUNT, estimatedclosedate: '2027-03-01' });

    // null clears a lookup; an integer given as is still names its option.
    expect((await connector.updateMany('contacts', [{ id: ids[0]!, fields: { parentcustomerid: null, statecode: 0 } }]))[0]!.ok).toBe(true);
    expect(sandbox.store.get('contacts', ids[0]!)).toMatchObject({ _parentcustomerid_value: null, statecode: 0 });
  });

  it('a label no option has, or a lookup value that is no guid, fails that item alone before anything is sent', async () => {
    const sandbox = await seeded();
    const connector = connect(sandbox);
    await connector.describeObjects(['opportunities']);
    const { result, calls } = await countCalls(sandbox, () => connector.createMany('opportunities', [
      { fields: { name: 'Bad stage', salesstage: 'Negotiate' } }, { fields: { name: 'Bad customer', customerid: 'acme' } },
    ]));
    expect(calls.total).toBe(0);
    expect(result.map((r) => !r.ok && r.error.code)).toEqual(['CRM_VALIDATION', 'CRM_VALIDATION']);
    expect(!result[0]!.ok && result[0]!.error.message).toContain('"Qualify", "Develop", "Propose", "Close"');
    expect(!result[1]!.ok && result[1]!.error.details?.fields).toEqual(['customerid']);
  });

  it('describes types, choice labels, lookup targets, read-only, required and custom columns', async () => {
    const sandbox = await seeded();
    const [contacts, opportunities] = await connect(sandbox).describeObjects(['contacts', 'opportunities']);
    const field = (object: typeof contacts, name: string) => object!.fields.find((f) => f.name === name);
    expect(contacts).toMatchObject({ name: 'contacts', idField: 'contactid', modifiedField: 'modifiedon' });
    expect(field(contacts, 'contactid')).toMatchObject({ type: 'id', unique: true, createable: true, updateable: false });
    expect(field(contacts, 'lastname')).toMatchObject({ type: 'string', nillable: false, length: 50, label: 'Last Name' });
    expect(field(contacts, 'emailaddress1')).toMatchObject({ type: 'email' });
    expect(field(contacts, 'telephone1')).toMatchObject({ type: 'phone' });
    expect(field(contacts, 'fullname')).toMatchObject({ createable: false, updateable: false });
    expect(field(contacts, 'birthdate')).toMatchObject({ type: 'date', nativeType: 'DateTime' });
    expect(field(contacts, 'modifiedon')).toMatchObject({ type: 'datetime', createable: false });
    expect(field(contacts, 'description')).toMatchObject({ type: 'text' });
    expect(field(contacts, 'versionnumber')).toMatchObject({ type: 'float', nativeType: 'BigInt', createable: false });
    expect(field(contacts, 'parentcustomerid')).toMatchObject({ type: 'reference', nativeType: 'Customer', referenceTo: ['accounts', 'contacts'] });
    expect(field(contacts, 'parentcustomeridtype')).toMatchObject({ type: 'picklist', picklistValues: [{ value: 'account', label: 'account', active: true }, { value: 'contact', label: 'contact', active: true }] });
    expect(field(contacts, 'cg_externalid')).toMatchObject({ custom: true, externalId: true });
    expect(field(contacts, 'firstname')).toMatchObject({ custom: false, externalId: false });
    expect(field(opportunities, 'salesstage')?.picklistValues?.map((p) => p.value)).toEqual(['Qualify', 'Develop', 'Propose', 'Close']);
    expect(field(opportunities, 'statecode')?.picklistValues?.map((p) => p.label)).toEqual(['Open', 'Won', 'Lost']);
    expect(field(opportunities, 'estimatedvalue')).toMatchObject({ type: 'currency' });
    expect(field(opportunities, 'closeprobability')).toMatchObject({ type: 'int' });
    expect(field(opportunities, 'parentaccountid')).toMatchObject({ type: 'reference', referenceTo: ['accounts'] });
    expect(field(opportunities, 'transactioncurrencyid')).toMatchObject({ referenceTo: ['transactioncurrencies'] });
  });

  it('listObjects names every entity set the org lists, asking Dataverse each time', async () => {
    const sandbox = await seeded();
    const connector = connect(sandbox);
    await connector.describeObjects(['contacts']);
    for (let i = 0; i < 2; i++) {
      const { result, calls } = await countCalls(sandbox, () => connector.listObjects!());
      expect(result).toEqual(expect.arrayContaining(['contacts', 'accounts', 'opportunities', 'leads', 'systemusers']));
      expect(calls.routes).toEqual({ 'GET /api/data/vXX.X/EntityDefinitions': 1 });
    }
  });

  it('a column removed since the metadata was held reads as null instead of failing every read', async () => {
    const sandbox = await seeded();
    const connector = connect(sandbox);
    const before = await connector.fetchByIds('contacts', [PERSON], { fields: ['firstname', 'cg_externalid'] });
    expect(before.get(PERSON)?.fields).toEqual({ firstname: 'Ada', cg_externalid: null });
    // Dataverse refuses a $select naming a column it no longer has (0x80060888): one re-read of the metadata, one retry.
    const { sandboxToken } = await import('./harness.ts');
    const created = await fetch(`${sandbox.apiUrl}EntityDefinitions(LogicalName='contact')/Attributes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await sandboxToken(sandbox)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ '@odata.type': 'Microsoft.Dynamics.CRM.StringAttributeMetadata', SchemaName: 'cg_Nickname', DisplayName: { LocalizedLabels: [{ Label: 'Nickname', LanguageCode: 1033 }] }, RequiredLevel: { Value: 'None' }, MaxLength: 100 }),
    });
    expect(created.status).toBe(204);
    expect((await connector.fetchByIds('contacts', [PERSON], { fields: ['cg_nickname'] })).get(PERSON)?.fields).toEqual({ cg_nickname: null });
    const removed = await fetch(`${sandbox.apiUrl}EntityDefinitions(LogicalName='contact')/Attributes(LogicalName='cg_nickname')`, {
      method: 'DELETE', headers: { authorization: `Bearer ${await sandboxToken(sandbox)}` },
    });
    expect(removed.status).toBe(204);
    const after = await connector.fetchByIds('contacts', [PERSON], { fields: ['firstname', 'cg_nickname'] });
    expect(after.get(PERSON)?.fields).toEqual({ firstname: 'Ada', cg_nickname: null });
    // Refused once: the next reads leave it out up front, one call each.
    const { result, calls } = await countCalls(sandbox, () => connector.fetchByIds('contacts', [PERSON], { fields: ['firstname', 'cg_nickname'] }));
    expect(result.get(PERSON)?.fields).toEqual({ firstname: 'Ada', cg_nickname: null });
    expect(calls.total).toBe(1);
  });

  it('`id` reads as the row\'s key (the graph keys every CRM on id), in the one call of the read, and is never written', async () => {
    const sandbox = await seeded();
    const connector = connect(sandbox);
    await connector.describeObjects(['contacts']);
    const { result, calls } = await countCalls(sandbox, () => connector.fetchByIds('contacts', [PERSON], { fields: ['id', 'modifiedon', 'firstname'] }));
    expect(result.get(PERSON)?.fields).toEqual({ id: PERSON, modifiedon: HOUR_AGO, firstname: 'Ada' });
    expect(calls.total).toBe(1);
    const changed = await connector.updateMany('contacts', [{ id: PERSON, fields: { id: PERSON, firstname: 'Augusta' } }]);
    expect(changed).toEqual([{ ok: true, id: PERSON }]);
    expect(sandbox.store.get('contacts', PERSON)?.firstname).toBe('Augusta');
  });
});
