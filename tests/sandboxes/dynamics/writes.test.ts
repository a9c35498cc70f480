import { describe, expect, it } from 'vitest';
import { ACCOUNT_ID, api, CONTACT_ID, control, DATAVERSE_TIME, entityIdOf, GUID, startSandbox } from './helpers.ts';

const ACME = { accountid: ACCOUNT_ID, name: 'Acme' };

describe('Dynamics sandbox: writes, upsert and concurrency', () => {
  it('POST answers 204 with OData-EntityId; with return=representation 201 and the row (honouring $select)', async () => {
    const sandbox = await startSandbox();
    const created = await api(sandbox, 'POST', 'contacts', { firstname: 'Ada', lastname: 'Lovelace', emailaddress1: 'ada@acme.test' });
    expect(created.status).toBe(204);
    expect(created.text).toBe('');
    const id = entityIdOf(created);
    expect(id).toMatch(GUID);
    expect(created.headers.get('odata-entityid')).toBe(`${sandbox.apiUrl}contacts(${id})`);
    const read = await api(sandbox, 'GET', `contacts(${id})`);
    expect(read.body).toMatchObject({ contactid: id, fullname: 'Ada Lovelace', emailaddress1: 'ada@acme.test', statecode: 0, statuscode: 1, donotemail: false });
    expect(read.body.createdon).toMatch(DATAVERSE_TIME);
    expect(read.body.modifiedon).toBe(read.body.createdon);

    const repr = await api(sandbox, 'POST', 'accounts?$select=name,accountnumber', { name: 'Initech', accountnumber: 'A-1' }, { headers: { prefer: 'return=representation' } });
    expect(repr.status).toBe(201);
    expect(repr.headers.get('preference-applied')).toBe('return=representation');
    expect(repr.body).toEqual({
      '@odata.context': `${sandbox.apiUrl}$metadata#accounts(name,accountnumber)/$entity`, '@odata.etag': expect.stringMatching(/^W\/"\d+"$/),
      name: 'Initech', accountnumber: 'A-1', accountid: entityIdOf(repr),
    });
  });

  it('every write bumps one org-wide version, which is the etag', async () => {
    const sandbox = await startSandbox();
    const a = await api(sandbox, 'POST', 'accounts', { name: 'A' }, { headers: { prefer: 'return=representation' } });
    const c = await api(sandbox, 'POST', 'contacts', { lastname: 'C' }, { headers: { prefer: 'return=representation' } });
    expect(c.body.versionnumber).toBe(a.body.versionnumber + 1);
    const p = await api(sandbox, 'PATCH', `accounts(${a.body.accountid})`, { name: 'A2' }, { headers: { prefer: 'return=representation' } });
    expect(p.status).toBe(200);
    expect(p.body.versionnumber).toBe(c.body.versionnumber + 1);
    expect(p.body['@odata.etag']).toBe(`W/"${p.body.versionnumber}"`);
  });

  it('PATCH upserts: creates a missing row with its id, updates an existing one; If-Match * / If-None-Match * / stale etag', async () => {
    const sandbox = await startSandbox();
    const created = await api(sandbox, 'PATCH', `contacts(${CONTACT_ID})`, { lastname: 'Hopper' });
    expect(created.status).toBe(204);
    expect(entityIdOf(created)).toBe(CONTACT_ID);
    const updated = await api(sandbox, 'PATCH', `contacts(${CONTACT_ID})`, { firstname: 'Grace' }, { headers: { prefer: 'return=representation' } });
    expect(updated.status).toBe(200);
    expect(updated.body.fullname).toBe('Grace Hopper');
    const etag = updated.body['@odata.etag'] as string;

    const missing = '11111111-2222-3333-4444-555555555555';
    const updateOnly = await api(sandbox, 'PATCH', `contacts(${missing})`, { lastname: 'X' }, { headers: { 'if-match': '*' } });
    expect(updateOnly.status).toBe(404);
    expect(updateOnly.body).toEqual({ error: { code: '0x80040217', message: `contact With Id = ${missing} Does Not Exist` } });
    expect(sandbox.store.get('contacts', missing)).toBeUndefined();

    const createOnly = await api(sandbox, 'PATCH', `contacts(${CONTACT_ID})`, { lastname: 'Y' }, { headers: { 'if-none-match': '*' } });
    expect(createOnly.status).toBe(412);
    expect(createOnly.body.error.code).toBe('0x80040237');
    const fresh = await api(sandbox, 'PATCH', `contacts(${missing})`, { lastname: 'New' }, { headers: { 'if-none-match': '*', prefer: 'return=representation' } });
    expect(fresh.status).toBe(201);

    expect((await api(sandbox, 'PATCH', `contacts(${CONTACT_ID})`, { jobtitle: 'Admiral' }, { headers: { 'if-match': etag } })).status).toBe(204);
    const stale = await api(sandbox, 'PATCH', `contacts(${CONTACT_ID})`, { jobtitle: 'Rear admiral' }, { headers: { 'if-match': etag } });
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('0x80060882');
    expect(sandbox.store.get('contacts', CONTACT_ID)!.jobtitle).toBe('Admiral');
    const staleDelete = await api(sandbox, 'DELETE', `contacts(${CONTACT_ID})`, undefined, { headers: { 'if-match': etag } });
    expect(staleDelete.status).toBe(412);
  });

  it('upserts by the cg_externalid alternate key; a taken key is 412 0x80060892', async () => {
    const sandbox = await startSandbox();
    const created = await api(sandbox, 'PATCH', "contacts(cg_externalid='ext-1')", { lastname: 'Ext' });
    expect(created.status).toBe(204);
    const id = entityIdOf(created);
    expect(sandbox.store.get('contacts', id)!.cg_externalid).toBe('ext-1');
    expect((await api(sandbox, 'PATCH', "contacts(cg_externalid='ext-1')", { firstname: 'Same' })).status).toBe(204);
    expect(entityIdOf(await api(sandbox, 'PATCH', "contacts(cg_externalid='ext-1')", { firstname: 'Again' }))).toBe(id);
    expect(sandbox.store.all('contacts')).toHaveLength(1);
    expect((await api(sandbox, 'GET', "contacts(cg_externalid='ext-1')?$select=fullname")).body.fullname).toBe('Again Ext');
    const duplicate = await api(sandbox, 'POST', 'contacts', { lastname: 'Dup', cg_externalid: 'EXT-1' });
    expect(duplicate.status).toBe(412);
    expect(duplicate.body.error.code).toBe('0x80060892');
    expect((await api(sandbox, 'PATCH', "contacts(emailaddress1='a@b.test')", { lastname: 'X' })).status).toBe(400);
  });

  it('validation: unknown 0x80060888, read-only and missing required 0x80040203, too long 0x80044331, bad choice, wrong type', async () => {
    const sandbox = await startSandbox();
    const cases: [string, unknown, string, RegExp][] = [
      ['contacts', { lastname: 'X', nickname: 'x' }, '0x80060888', /^Could not find a property named 'nickname' on type 'Microsoft\.Dynamics\.CRM\.contact'\.$/],
      ['contacts', { lastname: 'X', fullname: 'Y' }, '0x80040203', /fullname/],
      ['contacts', { firstname: 'No last name' }, '0x80040203', /lastname/],
      ['accounts', { accountnumber: '1' }, '0x80040203', /'name'/],
      ['opportunities', { estimatedvalue: 10 }, '0x80040203', /'name'/],
      ['contacts', { lastname: 'x'.repeat(51) }, '0x80044331', /maximum allowed length of '50'/],
      ['opportunities', { name: 'Deal', salesstage: 9 }, '0x8004431a', /outside the valid range/],
      ['accounts', { name: 'A', numberofemployees: 'many' }, '0x80048d19', /Edm\.Int32/],
      ['contacts', { lastname: 'X', _parentcustomerid_value: ACCOUNT_ID }, '0x80060888', /_parentcustomerid_value/],
    ];
    for (const [set, body, code, message] of cases) {
      const answer = await api(sandbox, 'POST', set, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.body.error.code, JSON.stringify(body)).toBe(code);
      expect(answer.body.error.message).toMatch(message);
    }
    expect(sandbox.store.all('contacts')).toEqual([]);
    const id = entityIdOf(await api(sandbox, 'POST', 'contacts', { lastname: 'Kept' }));
    const emptied = await api(sandbox, 'PATCH', `contacts(${id})`, { lastname: '' });
    expect(emptied.body.error.code).toBe('0x80040203');
    expect((await api(sandbox, 'PATCH', `contacts(${id})`, { createdon: '2020-01-01T00:00:00Z' })).body.error.code).toBe('0x80040203');
  });

  it('lookups are bound with @odata.bind (polymorphic suffixes), cleared by binding null or DELETE $ref; a missing target is 404', async () => {
    const sandbox = await startSandbox({ seed: { accounts: [ACME] } });
    const contact = entityIdOf(await api(sandbox, 'POST', 'contacts', { lastname: 'L', 'parentcustomerid_account@odata.bind': `/accounts(${ACCOUNT_ID})` }));
    expect(sandbox.store.get('contacts', contact)!._parentcustomerid_value).toBe(ACCOUNT_ID);
    const opp = await api(sandbox, 'POST', 'opportunities', {
      name: 'Deal', estimatedvalue: 5000, 'customerid_contact@odata.bind': `${sandbox.apiUrl}contacts(${contact})`,
      'parentaccountid@odata.bind': `/accounts(${ACCOUNT_ID})`,
    }, { headers: { prefer: 'return=representation,odata.include-annotations="*"' } });
    expect(opp.status).toBe(201);
    expect(opp.body).toMatchObject({
      _customerid_value: contact, '_customerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'contact',
      _parentaccountid_value: ACCOUNT_ID, statecode: 0, statuscode: 1, salesstage: 0,
      'estimatedvalue@OData.Community.Display.V1.FormattedValue': '$5,000.00',
    });
    expect((await api(sandbox, 'PATCH', `contacts(${contact})`, { 'parentcustomerid_account@odata.bind': null })).status).toBe(204);
    expect(sandbox.store.get('contacts', contact)!._parentcustomerid_value).toBeNull();
    expect((await api(sandbox, 'DELETE', `opportunities(${opp.body.opportunityid})/parentaccountid/$ref`)).status).toBe(204);
    expect(sandbox.store.get('opportunities', opp.body.opportunityid)!._parentaccountid_value).toBeNull();

    const gone = await api(sandbox, 'POST', 'contacts', { lastname: 'M', 'parentcustomerid_account@odata.bind': '/accounts(00000000-0000-0000-0000-00000000000a)' });
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('0x80040217');
    const wrongTable = await api(sandbox, 'POST', 'contacts', { lastname: 'M', 'parentcustomerid_account@odata.bind': `/contacts(${contact})` });
    expect(wrongTable.status).toBe(400);
    const unknownNav = await api(sandbox, 'POST', 'contacts', { lastname: 'M', 'parentcustomerid@odata.bind': `/accounts(${ACCOUNT_ID})` });
    expect(unknownNav.body.error.code).toBe('0x80060888');
  });

  it('statecode sets the default statuscode and statuscode its statecode; an opportunity closes only through its actions', async () => {
    const sandbox = await startSandbox();
    const id = entityIdOf(await api(sandbox, 'POST', 'opportunities', { name: 'Deal' }));
    await api(sandbox, 'PATCH', `opportunities(${id})`, { statuscode: 2 });
    expect(sandbox.store.get('opportunities', id)).toMatchObject({ statecode: 0, statuscode: 2 });
    await api(sandbox, 'PATCH', `opportunities(${id})`, { statecode: 0 });
    expect(sandbox.store.get('opportunities', id)).toMatchObject({ statecode: 0, statuscode: 1 });
    // Won / Lost by PATCH: Dataverse wants WinOpportunity / LoseOpportunity (opportunity-actions.test.ts).
    expect((await api(sandbox, 'PATCH', `opportunities(${id})`, { statecode: 1 })).body.error.code).toBe('0x80045002');
    expect((await api(sandbox, 'PATCH', `opportunities(${id})`, { statecode: 0, statuscode: 3 })).status).toBe(400);
    const contact = entityIdOf(await api(sandbox, 'POST', 'contacts', { lastname: 'Gone' }));
    await api(sandbox, 'PATCH', `contacts(${contact})`, { statecode: 1 });
    expect(sandbox.store.get('contacts', contact)).toMatchObject({ statecode: 1, statuscode: 2 });
  });

  it('DELETE answers 204, then 404; the ledger records creates, updates and deletes', async () => {
    const sandbox = await startSandbox();
    const id = entityIdOf(await api(sandbox, 'POST', 'accounts', { name: 'Gone soon' }));
    await api(sandbox, 'PATCH', `accounts(${id})`, { name: 'Going' });
    const deleted = await api(sandbox, 'DELETE', `accounts(${id})`);
    expect(deleted.status).toBe(204);
    expect((await api(sandbox, 'DELETE', `accounts(${id})`)).status).toBe(404);
    expect((await api(sandbox, 'GET', `accounts(${id})`)).status).toBe(404);
    const ledger = (await control(sandbox, 'GET', '/ledger')).body.entries.map((e: { operation: string; objectType: string; recordId: string }) => [e.operation, e.objectType, e.recordId]);
    expect(ledger).toEqual([['create', 'accounts', id], ['update', 'accounts', id], ['delete', 'accounts', id]]);
  });
});
