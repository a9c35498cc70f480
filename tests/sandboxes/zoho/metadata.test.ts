import { describe, expect, it } from 'vitest';
import { api, control, startSandbox, ZOHO_ID } from './helpers.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const byName = (fields: any[], name: string) => fields.find((f) => f.api_name === name);

describe('Zoho sandbox: metadata', () => {
  it('lists the org modules, each api_supported with a 19-digit id', async () => {
    const sandbox = await startSandbox();
    const answer = await api(sandbox, 'GET', 'settings/modules');
    expect(answer.status).toBe(200);
    expect(answer.body.modules.map((m: { api_name: string }) => m.api_name)).toEqual(['Leads', 'Contacts', 'Accounts', 'Deals', 'Tasks', 'Events', 'Calls', 'Products', 'Quotes']);
    expect(answer.body.modules[1]).toEqual({ api_name: 'Contacts', module_name: 'Contacts', singular_label: 'Contact', plural_label: 'Contacts', api_supported: true, id: expect.stringMatching(ZOHO_ID) });
  });

  it('describes the standard fields: mandatory, unique, lookups, picklists, read-only system fields and the External_Id custom field', async () => {
    const sandbox = await startSandbox();
    const contacts = (await api(sandbox, 'GET', 'settings/fields?module=Contacts')).body.fields;
    expect(byName(contacts, 'Last_Name')).toMatchObject({ data_type: 'text', json_type: 'string', length: 80, system_mandatory: true, read_only: false, custom_field: false });
    expect(byName(contacts, 'Email')).toMatchObject({ data_type: 'email' });
    expect(byName(contacts, 'Email').unique).toEqual({});
    expect(byName(contacts, 'Phone')).not.toHaveProperty('unique');
    expect(byName(contacts, 'Account_Name')).toMatchObject({ data_type: 'lookup', json_type: 'jsonobject', lookup: { module: { api_name: 'Accounts', id: expect.stringMatching(ZOHO_ID) } } });
    expect(byName(contacts, 'Modified_Time')).toMatchObject({ data_type: 'datetime', read_only: true });
    expect(byName(contacts, 'Owner')).toMatchObject({ data_type: 'ownerlookup' });
    for (const module of ['Contacts', 'Accounts', 'Deals']) {
      const fields = (await api(sandbox, 'GET', `settings/fields?module=${module}`)).body.fields;
      expect(byName(fields, 'External_Id')).toMatchObject({ data_type: 'text', length: 255, custom_field: true, unique: {} });
    }
    const deals = (await api(sandbox, 'GET', 'settings/fields?module=Deals')).body.fields;
    expect(byName(deals, 'Stage')).toMatchObject({ data_type: 'picklist', system_mandatory: true });
    expect(byName(deals, 'Stage').pick_list_values.map((v: { display_value: string }) => v.display_value)).toEqual([
      'Qualification', 'Needs Analysis', 'Value Proposition', 'Identify Decision Makers', 'Proposal/Price Quote',
      'Negotiation/Review', 'Closed Won', 'Closed Lost', 'Closed Lost to Competition']);
    expect(byName(deals, 'Closing_Date').data_type).toBe('date');
    const accounts = (await api(sandbox, 'GET', 'settings/fields?module=Accounts')).body.fields;
    expect(byName(accounts, 'Account_Name')).toMatchObject({ length: 200, system_mandatory: true });
    const unknown = await api(sandbox, 'GET', 'settings/fields?module=Widgets');
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('INVALID_MODULE');
  });

  it('creates a custom field (api_name from the label), usable at once for writes and reads; a second with the same label is refused; a reset drops it', async () => {
    const sandbox = await startSandbox();
    const created = await api(sandbox, 'POST', 'settings/fields?module=Contacts', { fields: [{ field_label: 'Loyalty tier 1', data_type: 'text', length: 100 }] });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ fields: [{ code: 'SUCCESS', details: { id: expect.stringMatching(ZOHO_ID), api_name: 'Loyalty_tier_1' }, message: 'field created', status: 'success' }] });
    const field = byName((await api(sandbox, 'GET', 'settings/fields?module=Contacts')).body.fields, 'Loyalty_tier_1');
    expect(field).toMatchObject({ field_label: 'Loyalty tier 1', data_type: 'text', length: 100, custom_field: true });
    const write = await api(sandbox, 'POST', 'Contacts', { data: [{ Last_Name: 'Tiered', Loyalty_tier_1: 'gold' }], trigger: [] });
    expect(write.status).toBe(201);
    const id = write.body.data[0].details.id;
    expect((await api(sandbox, 'GET', `Contacts?fields=Loyalty_tier_1&ids=${id}`)).body.data[0]).toEqual({ id, Loyalty_tier_1: 'gold' });
    const tooLong = await api(sandbox, 'PUT', 'Contacts', { data: [{ id, Loyalty_tier_1: 'x'.repeat(101) }] });
    expect(tooLong.body.data[0]).toMatchObject({ code: 'INVALID_DATA', details: { api_name: 'Loyalty_tier_1', maximum_length: 100 } });
    const again = await api(sandbox, 'POST', 'settings/fields?module=Contacts', { fields: [{ field_label: 'Loyalty tier 1', data_type: 'text' }, { field_label: 'Odd type', data_type: 'hologram' }] });
    expect(again.status).toBe(400);
    expect(again.body.fields.map((f: { code: string }) => f.code)).toEqual(['DUPLICATE_DATA', 'INVALID_DATA']);
    expect((await control(sandbox, 'POST', '/reset')).status).toBe(200);
    expect(byName((await api(sandbox, 'GET', 'settings/fields?module=Contacts')).body.fields, 'Loyalty_tier_1')).toBeUndefined();
  });
});
