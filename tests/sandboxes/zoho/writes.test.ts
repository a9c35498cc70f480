import { describe, expect, it } from 'vitest';
import { api, control, contactsSeed, startSandbox, ZOHO_ID, ZOHO_TIME } from './helpers.ts';

const success = (message: string) => ({
  code: 'SUCCESS', message, status: 'success',
  details: {
    id: expect.stringMatching(ZOHO_ID), Created_Time: expect.stringMatching(ZOHO_TIME), Modified_Time: expect.stringMatching(ZOHO_TIME),
    Created_By: { id: expect.stringMatching(ZOHO_ID), name: expect.any(String) }, Modified_By: { id: expect.stringMatching(ZOHO_ID), name: expect.any(String) },
  },
});

describe('Zoho sandbox: writes', () => {
  it('create: 201 when every record is added, readable at once with its lookup, one ledger entry each', async () => {
    const sandbox = await startSandbox({ empty: true });
    const account = await api(sandbox, 'POST', 'Accounts', { data: [{ Account_Name: 'Wayne Enterprises', External_Id: 'acct-1' }], trigger: [] });
    expect(account.status).toBe(201);
    expect(account.body).toEqual({ data: [success('record added')] });
    const accountId = account.body.data[0].details.id;
    const contacts = await api(sandbox, 'POST', 'Contacts', {
      data: [{ First_Name: 'Bruce', Last_Name: 'Wayne', Email: 'bruce@wayne.test', Account_Name: { id: accountId } }, { Last_Name: 'Pennyworth', Account_Name: accountId }], trigger: [],
    });
    expect(contacts.status).toBe(201);
    expect(contacts.body.data).toEqual([success('record added'), success('record added')]);
    const read = await api(sandbox, 'GET', `Contacts?fields=Full_Name,Account_Name,Email_Opt_Out&ids=${contacts.body.data[0].details.id}`);
    expect(read.body.data[0]).toMatchObject({ Full_Name: 'Bruce Wayne', Account_Name: { id: accountId, name: 'Wayne Enterprises' }, Email_Opt_Out: false });
    const ledger = await control(sandbox, 'GET', '/ledger');
    expect(ledger.body.entries.map((e: { operation: string; objectType: string }) => `${e.operation} ${e.objectType}`)).toEqual(['create Accounts', 'create Contacts', 'create Contacts']);
  });

  it('create: 207 with one result per input, in order, each error code naming the field by api_name and json_path', async () => {
    const sandbox = await startSandbox({ empty: true });
    const taken = await api(sandbox, 'POST', 'Contacts', { data: [{ Last_Name: 'Taken', Email: 'taken@example.test' }] });
    const takenId = taken.body.data[0].details.id;
    const answer = await api(sandbox, 'POST', 'Contacts', { data: [
      { Last_Name: 'Fine' },
      { First_Name: 'No last name' },
      { Last_Name: 'x'.repeat(81) },
      { Last_Name: 'Bad email', Email: 'not-an-email' },
      { Last_Name: 'Unknown', Shoe_Size: 44 },
      { Last_Name: 'Read only', Created_Time: '2020-01-01T00:00:00+05:30' },
      { Last_Name: 'Dangling', Account_Name: { id: '4150868000000999999' } },
      { Last_Name: 'Clash', Email: 'TAKEN@example.test' },
      { Last_Name: 'Wrong type', Email_Opt_Out: 'yes' },
    ], trigger: [] });
    expect(answer.status).toBe(207);
    const [ok, ...errors] = answer.body.data;
    expect(ok).toEqual(success('record added'));
    expect(errors.map((e: { code: string; details: unknown; status: string }) => [e.code, e.details, e.status])).toEqual([
      ['MANDATORY_NOT_FOUND', { api_name: 'Last_Name', json_path: '$.data[1].Last_Name' }, 'error'],
      ['INVALID_DATA', { api_name: 'Last_Name', json_path: '$.data[2].Last_Name', maximum_length: 80 }, 'error'],
      ['INVALID_DATA', { api_name: 'Email', json_path: '$.data[3].Email', expected_data_type: 'email' }, 'error'],
      ['INVALID_DATA', { api_name: 'Shoe_Size', json_path: '$.data[4].Shoe_Size' }, 'error'],
      ['INVALID_DATA', { api_name: 'Created_Time', json_path: '$.data[5].Created_Time' }, 'error'],
      ['INVALID_DATA', { api_name: 'Account_Name', json_path: '$.data[6].Account_Name' }, 'error'],
      ['DUPLICATE_DATA', { api_name: 'Email', json_path: '$.data[7].Email', duplicate_record: { id: takenId } }, 'error'],
      ['INVALID_DATA', { api_name: 'Email_Opt_Out', json_path: '$.data[8].Email_Opt_Out', expected_data_type: 'boolean' }, 'error'],
    ]);
    const stored = await api(sandbox, 'GET', 'Contacts?fields=Last_Name');
    expect(stored.body.data.map((r: { Last_Name: string }) => r.Last_Name).sort()).toEqual(['Fine', 'Taken']);
  });

  it('create: 400 with per-record results when every record fails; a Deal needs Deal_Name and Stage', async () => {
    const sandbox = await startSandbox({ empty: true });
    const answer = await api(sandbox, 'POST', 'Deals', { data: [{ Deal_Name: 'No stage' }, { Stage: 'Qualification' }], trigger: [] });
    expect(answer.status).toBe(400);
    expect(answer.body.data.map((r: { code: string; details: { api_name: string } }) => `${r.code} ${r.details.api_name}`)).toEqual(['MANDATORY_NOT_FOUND Stage', 'MANDATORY_NOT_FOUND Deal_Name']);
    expect((await api(sandbox, 'GET', 'Deals?fields=Deal_Name')).status).toBe(204);
  });

  it('update: 200, Modified_Time moves on; 207 with INVALID_DATA {id} for an unknown id; PUT /{id} updates one record', async () => {
    const sandbox = await startSandbox({ seed: contactsSeed(2) });
    const [a, b] = (await api(sandbox, 'GET', 'Contacts?fields=Modified_Time')).body.data as { id: string; Modified_Time: string }[];
    const updated = await api(sandbox, 'PUT', 'Contacts', { data: [{ id: a!.id, Title: 'CEO' }], trigger: [] });
    expect(updated.status).toBe(200);
    expect(updated.body.data).toEqual([success('record updated')]);
    expect(Date.parse(updated.body.data[0].details.Modified_Time)).toBeGreaterThan(Date.parse(a!.Modified_Time));
    const mixed = await api(sandbox, 'PUT', 'Contacts', { data: [{ id: b!.id, Title: 'CFO' }, { id: '4150868000000999999', Title: 'nobody' }, { Title: 'no id' }] });
    expect(mixed.status).toBe(207);
    expect(mixed.body.data[1]).toEqual({ code: 'INVALID_DATA', details: { id: '4150868000000999999' }, message: expect.any(String), status: 'error' });
    expect(mixed.body.data[2]).toMatchObject({ code: 'MANDATORY_NOT_FOUND', details: { api_name: 'id' } });
    const cleared = await api(sandbox, 'PUT', 'Contacts', { data: [{ id: a!.id, Last_Name: null }] });
    expect(cleared.status).toBe(400);
    expect(cleared.body.data[0].code).toBe('MANDATORY_NOT_FOUND');
    const one = await api(sandbox, 'PUT', `Contacts/${b!.id}`, { data: [{ Department: 'Finance' }] });
    expect(one.status).toBe(200);
    expect((await api(sandbox, 'GET', `Contacts?fields=Title,Department&ids=${a!.id},${b!.id}`)).body.data).toEqual([
      { id: a!.id, Title: 'CEO', Department: null }, { id: b!.id, Title: 'CFO', Department: 'Finance' },
    ]);
  });

  it('upsert on External_Id: insert then update, with action and duplicate_field; a non-unique check field is a top-level INVALID_DATA', async () => {
    const sandbox = await startSandbox({ seed: contactsSeed(1) });
    const [existing] = (await api(sandbox, 'GET', 'Contacts?fields=External_Id')).body.data;
    const answer = await api(sandbox, 'POST', 'Contacts/upsert', {
      data: [{ Last_Name: 'New', External_Id: 'ext-new' }, { Last_Name: 'Renamed', External_Id: 'ext-0' }, { External_Id: 'ext-bad' }],
      duplicate_check_fields: ['External_Id'], trigger: [],
    });
    expect(answer.status).toBe(207);
    expect(answer.body.data[0]).toEqual({ ...success('record added'), action: 'insert', duplicate_field: null });
    expect(answer.body.data[1]).toEqual({ ...success('record updated'), action: 'update', duplicate_field: 'External_Id' });
    expect(answer.body.data[1].details.id).toBe(existing.id);
    expect(answer.body.data[2]).toMatchObject({ code: 'MANDATORY_NOT_FOUND', details: { api_name: 'Last_Name' } });
    const again = await api(sandbox, 'POST', 'Contacts/upsert', { data: [{ Last_Name: 'New again', External_Id: 'ext-new' }], duplicate_check_fields: ['External_Id'] });
    expect(again.status).toBe(200);
    expect(again.body.data[0]).toMatchObject({ action: 'update', details: { id: answer.body.data[0].details.id } });
    const notUnique = await api(sandbox, 'POST', 'Contacts/upsert', { data: [{ Last_Name: 'X' }], duplicate_check_fields: ['Last_Name'] });
    expect(notUnique.status).toBe(400);
    expect(notUnique.body).toMatchObject({ code: 'INVALID_DATA', details: { api_name: 'Last_Name' }, status: 'error' });
    expect((await api(sandbox, 'GET', 'Contacts?fields=Last_Name')).body.data).toHaveLength(2);
    // Without duplicate_check_fields every unique field of the module is a key: here Email finds the record.
    const byEmail = await api(sandbox, 'POST', 'Contacts/upsert', { data: [{ Last_Name: 'By email', Email: 'PERSON0@example.test' }] });
    expect(byEmail.body.data[0]).toMatchObject({ action: 'update', duplicate_field: 'Email', details: { id: existing.id } });
  });

  it('delete: 207 with record deleted / INVALID_DATA {id}; the record reads 204 and /deleted lists its tombstone, newest first', async () => {
    const sandbox = await startSandbox({ seed: contactsSeed(3) });
    const [a, b, c] = (await api(sandbox, 'GET', 'Contacts?fields=Last_Name')).body.data.map((r: { id: string }) => r.id);
    expect((await api(sandbox, 'GET', 'Contacts/deleted?type=all')).status).toBe(204);
    const answer = await api(sandbox, 'DELETE', `Contacts?ids=${a},4150868000000999999`);
    expect(answer.status).toBe(207);
    expect(answer.body.data).toEqual([
      { code: 'SUCCESS', details: { id: a }, message: 'record deleted', status: 'success' },
      { code: 'INVALID_DATA', details: { id: '4150868000000999999' }, message: expect.any(String), status: 'error' },
    ]);
    expect((await api(sandbox, 'DELETE', `Contacts/${b}`)).status).toBe(200);
    expect((await api(sandbox, 'GET', `Contacts/${a}`)).status).toBe(204);
    const deleted = await api(sandbox, 'GET', 'Contacts/deleted?type=all');
    expect(deleted.status).toBe(200);
    expect(deleted.body.data.map((t: { id: string }) => t.id)).toEqual([b, a]);
    expect(deleted.body.data[1]).toEqual({
      id: a, display_name: 'Person 0', type: 'recycle', deleted_by: { name: expect.any(String), id: expect.stringMatching(ZOHO_ID) },
      created_by: { name: expect.any(String), id: expect.stringMatching(ZOHO_ID) }, deleted_time: expect.stringMatching(ZOHO_TIME),
    });
    expect(deleted.body.info).toEqual({ per_page: 200, count: 2, page: 1, more_records: false });
    expect((await api(sandbox, 'GET', 'Contacts/deleted?type=permanent')).status).toBe(204);
    const future = await api(sandbox, 'GET', 'Contacts/deleted', undefined, { headers: { 'If-Modified-Since': new Date(Date.now() + 60_000).toISOString() } });
    expect(future.status).toBe(204);
    expect((await api(sandbox, 'GET', 'Contacts?fields=Last_Name')).body.data.map((r: { id: string }) => r.id)).toEqual([c]);
  });

  it('more than 100 records (or ids) in one call: 400 LIMIT_EXCEEDED and nothing written', async () => {
    const sandbox = await startSandbox({ seed: contactsSeed(1) });
    const data = Array.from({ length: 101 }, (_, i) => ({ Last_Name: `Bulk ${i}` }));
    for (const [method, path] of [['POST', 'Contacts'], ['PUT', 'Contacts'], ['POST', 'Contacts/upsert']] as const) {
      const refused = await api(sandbox, method, path, { data, trigger: [] });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ code: 'LIMIT_EXCEEDED', status: 'error' });
      expect(refused.body).not.toHaveProperty('data');
    }
    const ids = Array.from({ length: 101 }, (_, i) => `4150868000000${100001 + i}`).join(',');
    expect((await api(sandbox, 'DELETE', `Contacts?ids=${ids}`)).body.code).toBe('LIMIT_EXCEEDED');
    expect((await api(sandbox, 'GET', 'Contacts?fields=Last_Name')).body.data).toHaveLength(1);
    expect((await control(sandbox, 'GET', '/ledger')).body.entries).toEqual([]);
    const bad = await api(sandbox, 'POST', 'Contacts', '{"data": [');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/json/);
  });
});
