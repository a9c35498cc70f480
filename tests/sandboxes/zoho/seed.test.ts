import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startZohoSandbox } from '../../../sandboxes/zoho/index.ts';
import { api, control, startSandbox } from './helpers.ts';

describe('Zoho sandbox: seeds and the org offset', () => {
  it('loads the built-in demo set by default, nothing when empty, the given seed otherwise', async () => {
    const demo = await startSandbox();
    for (const [module, n] of [['Contacts', 4], ['Accounts', 3], ['Deals', 3]] as const) {
      expect((await api(demo, 'GET', `${module}?fields=Owner`)).body.data).toHaveLength(n);
    }
    const empty = await startSandbox({ empty: true });
    expect((await api(empty, 'GET', 'Contacts?fields=Last_Name')).status).toBe(204);
    const seeded = await startSandbox({ seed: { Accounts: [{ Account_Name: 'Only' }] } });
    expect((await api(seeded, 'GET', 'Contacts?fields=Last_Name')).status).toBe(204);
    expect((await api(seeded, 'GET', 'Accounts?fields=Account_Name')).body.data).toEqual([{ id: expect.any(String), Account_Name: 'Only' }]);
  });

  it('keeps seeded ids and times (any offset in, the org offset out) and links lookups given as id or {id}', async () => {
    const sandbox = await startSandbox({ seed: {
      Contacts: [{ id: '4150868000000555001', Last_Name: 'Kept', Account_Name: { id: '4150868000000555002' }, Created_Time: '2024-05-01T12:00:00Z', Modified_Time: '2024-05-01T14:30:00-04:00' }],
      Accounts: [{ id: '4150868000000555002', Account_Name: 'Linked', Parent_Account: '4150868000000555003' }, { id: '4150868000000555003', Account_Name: 'Parent' }],
    } });
    const [contact] = (await api(sandbox, 'GET', 'Contacts?fields=Account_Name,Created_Time,Modified_Time')).body.data;
    expect(contact).toEqual({
      id: '4150868000000555001', Account_Name: { id: '4150868000000555002', name: 'Linked' },
      Created_Time: '2024-05-01T17:30:00+05:30', Modified_Time: '2024-05-02T00:00:00+05:30',
    });
    const linked = (await api(sandbox, 'GET', 'Accounts/4150868000000555002')).body.data[0];
    expect(linked.Parent_Account).toEqual({ id: '4150868000000555003', name: 'Parent' });
    // New records never reuse a seeded id.
    const created = await api(sandbox, 'POST', 'Accounts', { data: [{ Account_Name: 'New' }] });
    expect(BigInt(created.body.data[0].details.id)).toBeGreaterThan(4150868000000555003n);
  });

  it('renders every time in the configured offset', async () => {
    const sandbox = await startSandbox({ timeZoneOffset: '-04:00', seed: { Contacts: [{ Last_Name: 'West', Modified_Time: '2024-05-01T12:00:00Z' }] } });
    const [contact] = (await api(sandbox, 'GET', 'Contacts?fields=Modified_Time')).body.data;
    expect(contact.Modified_Time).toBe('2024-05-01T08:00:00-04:00');
  });

  it('reads a seed folder <dir>/zoho/<Module>.json and refuses a bad file or a bad record, naming it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'zoho-seed-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await mkdir(path.join(dir, 'zoho'));
    await writeFile(path.join(dir, 'zoho', 'Deals.json'), JSON.stringify([{ Deal_Name: 'From file', Stage: 'Qualification', Amount: 10 }]));
    const sandbox = await startSandbox({ seedDir: dir });
    expect((await api(sandbox, 'GET', 'Deals?fields=Deal_Name,Amount')).body.data).toEqual([{ id: expect.any(String), Deal_Name: 'From file', Amount: 10 }]);
    expect((await api(sandbox, 'GET', 'Contacts?fields=Last_Name')).status).toBe(204);
    await writeFile(path.join(dir, 'zoho', 'Contacts.json'), '{ not json');
    await expect(startZohoSandbox({ seedDir: dir })).rejects.toThrow(/Contacts\.json is not valid JSON/);
    await writeFile(path.join(dir, 'zoho', 'Contacts.json'), JSON.stringify([{ Last_Name: 'Dangling', Account_Name: '4150868000000999999' }]));
    await expect(startZohoSandbox({ seedDir: dir })).rejects.toThrow(/seed\.Contacts.*Account_Name/);
    const seeded = await control(sandbox, 'POST', '/zoho/seed', { Contacts: [{ Last_Name: 'Added' }] });
    expect(seeded.body).toEqual({ loaded: { Contacts: 1, Accounts: 0, Deals: 0 } });
    expect((await control(sandbox, 'POST', '/zoho/seed', { Widgets: [] })).status).toBe(400);
  });

  it('POST /_sandbox/zoho/seed replaces a record with a known id; a seed with one bad record changes nothing', async () => {
    const id = '4150868000000555101';
    const sandbox = await startSandbox({ seed: { Contacts: [{ id, Last_Name: 'Before', Modified_Time: '2024-05-01T00:00:00Z' }] } });
    const replaced = await control(sandbox, 'POST', '/zoho/seed', { Contacts: [{ id, Last_Name: 'After', Modified_Time: '2024-05-01T00:00:00Z' }] });
    expect(replaced.status).toBe(200);
    expect((await api(sandbox, 'GET', 'Contacts?fields=Last_Name,Modified_Time')).body.data).toEqual([{ id, Last_Name: 'After', Modified_Time: '2024-05-01T05:30:00+05:30' }]);
    const failed = await control(sandbox, 'POST', '/zoho/seed', { Contacts: [{ id, Last_Name: 'Lost' }, { Last_Name: 'Bad', Email: 'nope' }] });
    expect(failed.status).toBe(400);
    expect(failed.body.error).toMatch(/Email/);
    expect((await api(sandbox, 'GET', 'Contacts?fields=Last_Name')).body.data).toEqual([{ id, Last_Name: 'After' }]);
  });
});
