/**
 * Mapping both ways: Zoho's field metadata as the contract's descriptions, records read with lookups flattened to ids
 * and date-times moved from the org's offset to UTC, and written back (lookups as `{id}`, dates, picklists).
 */
import { describe, expect, it } from 'vitest';
import { toFieldType, toUtc } from '../../../connectors/zoho/index.ts';
import { countCalls } from '../contract-suite/sandbox-control.ts';
import { HOUR_AGO, connect, start } from './helpers.ts';

const ACCOUNT = '4150868000000100001';
const CONTACT = '4150868000000100002';

describe('describe', () => {
  it('types, picklists with their display values, lookups as references, unique fields as external ids, read-only and mandatory fields', async () => {
    const connector = connect(await start({}, { empty: true }));
    const [contacts, deals] = await connector.describeObjects(['Contacts', 'Deals']);
    const field = (o: typeof contacts, name: string) => o!.fields.find((f) => f.name === name)!;
    expect(contacts).toMatchObject({ name: 'Contacts', idField: 'id', modifiedField: 'Modified_Time' });
    expect(field(contacts, 'id')).toMatchObject({ type: 'id', createable: false, updateable: false });
    expect(field(contacts, 'Email')).toMatchObject({ type: 'email', unique: true, externalId: true });
    expect(field(contacts, 'External_Id')).toMatchObject({ type: 'string', unique: true, externalId: true, custom: true, length: 255 });
    expect(field(contacts, 'First_Name')).toMatchObject({ type: 'string', nativeType: 'text', unique: false, createable: true, nillable: true });
    expect(field(contacts, 'First_Name').externalId).toBeUndefined();
    expect(field(contacts, 'Last_Name')).toMatchObject({ nillable: false, createable: true });
    expect(field(contacts, 'Account_Name')).toMatchObject({ type: 'reference', nativeType: 'lookup', referenceTo: ['Accounts'] });
    expect(field(contacts, 'Owner')).toMatchObject({ type: 'reference', nativeType: 'ownerlookup' });
    expect(field(contacts, 'Description')).toMatchObject({ type: 'text' });
    expect(field(contacts, 'Email_Opt_Out')).toMatchObject({ type: 'boolean' });
    for (const name of ['Full_Name', 'Created_Time', 'Modified_Time', 'Created_By']) expect(field(contacts, name), name).toMatchObject({ createable: false, updateable: false });
    expect(field(contacts, 'Modified_Time')).toMatchObject({ type: 'datetime' });
    expect(field(deals, 'Stage')).toMatchObject({ type: 'picklist', nillable: false });
    expect(field(deals, 'Stage').picklistValues!.map((v) => v.value)).toEqual(expect.arrayContaining(['Qualification', 'Closed Won', 'Closed Lost to Competition']));
    expect(field(deals, 'Closing_Date')).toMatchObject({ type: 'date' });
    expect(field(deals, 'Amount')).toMatchObject({ type: 'currency' });
    expect(field(deals, 'Contact_Name')).toMatchObject({ type: 'reference', referenceTo: ['Contacts'] });
  });

  it('every data type of Zoho field metadata has a contract type; an unknown module is CRM_NOT_FOUND; listObjects is settings/modules', async () => {
    const types = ['text', 'textarea', 'email', 'phone', 'picklist', 'multiselectpicklist', 'lookup', 'ownerlookup', 'integer', 'bigint', 'double', 'currency', 'percent', 'date', 'datetime', 'boolean', 'website', 'autonumber'];
    expect(types.map(toFieldType)).toEqual(['string', 'text', 'email', 'phone', 'picklist', 'multipicklist', 'reference', 'reference', 'int', 'float', 'float', 'currency', 'percent', 'date', 'datetime', 'boolean', 'url', 'string']);
    expect(toFieldType('subform')).toBe('other');
    const connector = connect(await start({}, { empty: true }));
    await expect(connector.describeObjects(['Nope'])).rejects.toMatchObject({ code: 'CRM_NOT_FOUND', crm: 'zoho' });
    await expect(connector.fetchByIds('../settings', ['1'])).rejects.toMatchObject({ code: 'CRM_NOT_FOUND' });
    expect(await connector.listObjects!()).toEqual(expect.arrayContaining(['Leads', 'Contacts', 'Accounts', 'Deals', 'Quotes']));
  });
});

describe('records', () => {
  it('reads lookups and owners as ids and date-times in UTC, whatever the org offset', async () => {
    for (const offset of ['+05:30', '-08:00']) {
      const sandbox = await start({
        Accounts: [{ id: ACCOUNT, Account_Name: 'Acme', Modified_Time: HOUR_AGO }],
        Contacts: [{ id: CONTACT, Last_Name: 'Doe', Email: 'doe@example.test', Account_Name: ACCOUNT, Modified_Time: HOUR_AGO, Created_Time: HOUR_AGO }],
      }, { timeZoneOffset: offset });
      // The wire carries the org offset…
      const raw = sandbox.store.get('Contacts', CONTACT)!;
      expect(String(raw.Modified_Time)).toMatch(new RegExp(`\\${offset}$`));
      // …the connector reports the same instant in UTC.
      const connector = connect(sandbox);
      const record = (await connector.fetchByIds('Contacts', [CONTACT], { fields: ['Last_Name', 'Account_Name', 'Owner', 'Modified_Time', 'Created_Time'] })).get(CONTACT)!;
      expect(record.modifiedAt).toBe(HOUR_AGO);
      expect(record.fields).toMatchObject({ Last_Name: 'Doe', Account_Name: ACCOUNT, Modified_Time: HOUR_AGO, Created_Time: HOUR_AGO });
      expect(record.fields.Owner).toMatch(/^\d{19}$/);
    }
    expect(toUtc('2024-05-01T17:30:00+05:30')).toBe('2024-05-01T12:00:00Z');
    expect(toUtc('2024-05-01T04:00:00-08:00')).toBe('2024-05-01T12:00:00Z');
    expect(toUtc('2024-05-01')).toBeNull();
  });

  it('writes a lookup id back as {id}, dates as YYYY-MM-DD, picklists as display values; null clears a lookup', async () => {
    const sandbox = await start({ Accounts: [{ id: ACCOUNT, Account_Name: 'Acme' }], Contacts: [{ id: CONTACT, Last_Name: 'Doe' }] }, { empty: true });
    const connector = connect(sandbox);
    const [deal] = await connector.createMany('Deals', [{
      fields: { Deal_Name: 'Big one', Stage: 'Needs Analysis', Closing_Date: new Date('2026-03-31T00:00:00Z'), Account_Name: ACCOUNT, Contact_Name: CONTACT, Amount: 1200.5 },
    }]);
    expect(deal).toMatchObject({ ok: true, created: true });
    const id = deal!.ok ? deal!.id : '';
    const read = (await connector.fetchByIds('Deals', [id], { fields: ['Stage', 'Closing_Date', 'Account_Name', 'Contact_Name', 'Amount'] })).get(id)!;
    expect(read.fields).toEqual({ Stage: 'Needs Analysis', Closing_Date: '2026-03-31', Account_Name: ACCOUNT, Contact_Name: CONTACT, Amount: 1200.5 });
    expect(sandbox.store.get('Deals', id)!.Account_Name).toMatchObject({ id: ACCOUNT, name: 'Acme' });

    expect((await connector.updateMany('Deals', [{ id, fields: { Contact_Name: null, Stage: 'Closed Won' } }]))[0]).toMatchObject({ ok: true, id });
    const after = (await connector.fetchByIds('Deals', [id], { fields: ['Stage', 'Contact_Name'] })).get(id)!;
    expect(after.fields).toEqual({ Stage: 'Closed Won', Contact_Name: null });

    // A lookup that is no Zoho id fails its item before anything is sent.
    const [bad] = await connector.updateMany('Deals', [{ id, fields: { Account_Name: 'Acme' } }]);
    expect(!bad!.ok && bad!.error).toMatchObject({ code: 'CRM_VALIDATION', details: { fields: ['Account_Name'] } });
  });

  it('a read naming no fields returns every field the module lists; a name the module lacks reads as null', async () => {
    const sandbox = await start({ Contacts: [{ id: CONTACT, Last_Name: 'Doe', First_Name: 'Jo', Email: 'jo@example.test' }] }, { empty: true });
    const connector = connect(sandbox);
    const all = (await connector.fetchByIds('Contacts', [CONTACT])).get(CONTACT)!;
    expect(all.fields).toMatchObject({ Last_Name: 'Doe', First_Name: 'Jo', Email: 'jo@example.test', Full_Name: 'Jo Doe' });
    expect(Object.keys(all.fields)).toEqual(expect.arrayContaining(['Mailing_City', 'Lead_Source', 'External_Id', 'Modified_Time']));
    const named = (await connector.fetchByIds('Contacts', [CONTACT], { fields: ['Last_Name', 'No_Such_Field', 'id'] })).get(CONTACT)!;
    expect(named.fields).toEqual({ Last_Name: 'Doe', No_Such_Field: null, id: CONTACT });
    // Held metadata just read is not read again for a name it lacks: each read stays one call.
    const { calls } = await countCalls(sandbox, async () => {
      for (let i = 0; i < 3; i++) await connector.fetchByIds('Contacts', [CONTACT], { fields: ['Last_Name', 'No_Such_Field'] });
    });
    expect(calls.routes).toEqual({ 'GET /crm/v8/Contacts': 3 });
  });
});
