/**
 * The Salesforce sandbox's Bulk API 2.0 query jobs on the wire: driven by unmodified jsforce (`conn.bulk2.query`)
 * and by plain fetch for what jsforce hides (state steps, CSV bytes, locators, headers, errors, the switch, budget).
 */
import jsforce from 'jsforce';
import { afterEach, describe, expect, it } from 'vitest';
import type { SalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../../sandboxes/salesforce/index.ts';
import { getLimits, startSandbox } from './helpers.ts';

let sb: SalesforceSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

async function session(sandbox: SalesforceSandbox): Promise<{ conn: jsforce.Connection; api: (method: string, path: string, body?: unknown) => Promise<Response> }> {
  const conn = new jsforce.Connection({ loginUrl: sandbox.url, instanceUrl: sandbox.url, version: '60.0', oauth2: { clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET, loginUrl: sandbox.url } });
  await conn.authorize({ grant_type: 'client_credentials' });
  const api = (method: string, path: string, body?: unknown) => fetch(`${sandbox.url}/services/data/v60.0${path}`, {
    method,
    headers: { authorization: `Bearer ${conn.accessToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { conn, api };
}

const seed = {
  Account: [{ Name: 'Acme, "Intl"', NumberOfEmployees: 250 }],
  Contact: [
    { LastName: 'Lovelace', FirstName: 'Ada', Email: 'ada@example.test', HasOptedOutOfEmail: true, Birthdate: '1815-12-10', Description: 'line one\nline "two"' },
    { LastName: 'Hopper', Email: 'grace@example.test' },
    { LastName: 'Gone', IsDeleted: true },
  ],
};

describe('Salesforce sandbox: Bulk API 2.0 query', () => {
  it('jsforce bulk2.query reads the rows, parents and deleted ones (queryAll) through the job flow', async () => {
    sb = await startSandbox({ demoSeed: seed });
    const account = sb.store.all('Account')[0]!;
    const { conn } = await session(sb);
    await conn.sobject('Contact').update({ Id: sb.store.all('Contact').find((c) => c.LastName === 'Hopper')!.Id, AccountId: account.Id });
    const rows = await (await conn.bulk2.query('SELECT Id, LastName, Account.Name, HasOptedOutOfEmail FROM Contact ORDER BY LastName', { pollInterval: 10 })).toArray();
    expect(rows.map((r) => [r.LastName, r['Account.Name'], r.HasOptedOutOfEmail])).toEqual([['Hopper', 'Acme, "Intl"', 'false'], ['Lovelace', '', 'true']]);
    const all = await (await conn.bulk2.query('SELECT Id, LastName, IsDeleted FROM Contact ORDER BY LastName', { pollInterval: 10, scanAll: true })).toArray();
    expect(all.map((r) => `${r.LastName}:${r.IsDeleted}`)).toEqual(['Gone:true', 'Hopper:false', 'Lovelace:false']);
  });

  it('a job is polled UploadComplete → InProgress → JobComplete, then serves CSV chunks behind locators, and can be deleted', async () => {
    sb = await startSandbox({ demoSeed: seed });
    const { api } = await session(sb);
    const before = (await getLimits(sb)).apiUsage;
    const created = await api('POST', '/jobs/query', { operation: 'query', query: 'SELECT LastName, FirstName, Email, HasOptedOutOfEmail, Birthdate, Description FROM Contact ORDER BY LastName' });
    expect(created.status).toBe(200);
    const job = (await created.json()) as { id: string; state: string; operation: string; object: string };
    expect(job).toMatchObject({ state: 'UploadComplete', operation: 'query', object: 'Contact' });
    expect((await api('GET', `/jobs/query/${job.id}/results`)).status).toBe(400);
    expect(((await (await api('GET', `/jobs/query/${job.id}`)).json()) as { state: string }).state).toBe('InProgress');
    expect(((await (await api('GET', `/jobs/query/${job.id}`)).json()) as { state: string; numberRecordsProcessed: number })).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: 2 });

    const first = await api('GET', `/jobs/query/${job.id}/results?maxRecords=1`);
    expect(first.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(first.headers.get('sforce-numberofrecords')).toBe('1');
    const locator = first.headers.get('sforce-locator')!;
    expect(locator).not.toBe('null');
    expect(await first.text()).toBe('"LastName","FirstName","Email","HasOptedOutOfEmail","Birthdate","Description"\n"Hopper",,"grace@example.test","false",,\n');
    const second = await api('GET', `/jobs/query/${job.id}/results?maxRecords=1&locator=${locator}`);
    expect(second.headers.get('sforce-locator')).toBe('null');
    expect(await second.text()).toBe('"LastName","FirstName","Email","HasOptedOutOfEmail","Birthdate","Description"\n"Lovelace","Ada","ada@example.test","true","1815-12-10","line one\nline ""two"""\n');
    expect((await api('GET', `/jobs/query/${job.id}/results?locator=bad!`)).status).toBe(400);

    expect((await api('DELETE', `/jobs/query/${job.id}`)).status).toBe(204);
    expect((await api('GET', `/jobs/query/${job.id}`)).status).toBe(404);
    // Every job call spent one API request, the refused ones included (9 calls).
    expect((await getLimits(sb)).apiUsage - before).toBe(9);
  });

  it('refuses compound fields, aggregates, bad SOQL and bad operations with Salesforce error arrays', async () => {
    sb = await startSandbox({ demoSeed: seed });
    const { api } = await session(sb);
    const refused = async (body: unknown) => {
      const res = await api('POST', '/jobs/query', body);
      return { status: res.status, body: (await res.json()) as { errorCode: string; message: string }[] };
    };
    expect(await refused({ operation: 'query', query: 'SELECT Id, MailingAddress FROM Contact' })).toMatchObject({
      status: 400, body: [{ errorCode: 'FUNCTIONALITY_NOT_ENABLED', message: expect.stringContaining('compound data not supported in Bulk Query') }],
    });
    expect(await refused({ operation: 'query', query: 'SELECT COUNT() FROM Contact' })).toMatchObject({ status: 400, body: [{ errorCode: 'FUNCTIONALITY_NOT_ENABLED' }] });
    expect(await refused({ operation: 'query', query: 'SELECT Id, Nope FROM Contact' })).toMatchObject({ status: 400, body: [{ errorCode: 'INVALID_FIELD' }] });
    expect(await refused({ operation: 'query', query: 'SELECT Id FROM Nope' })).toMatchObject({ status: 400, body: [{ errorCode: 'INVALID_TYPE' }] });
    expect(await refused({ operation: 'query', query: 'SELECT FROM' })).toMatchObject({ status: 400, body: [{ errorCode: 'MALFORMED_QUERY' }] });
    expect(await refused({ operation: 'insert', query: 'SELECT Id FROM Contact' })).toMatchObject({ status: 400, body: [{ errorCode: 'INVALIDJOB' }] });
  });

  it('the switch turns Bulk off (403 or 404), makes the next job fail with its message or holds it InProgress; a reset restores it', async () => {
    sb = await startSandbox({ demoSeed: seed });
    const { api } = await session(sb);
    const bulk = (body: unknown) => fetch(`${sb!.url}/_sandbox/salesforce/bulk`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const create = () => api('POST', '/jobs/query', { operation: 'query', query: 'SELECT Id FROM Contact' });

    expect((await bulk({ enabled: false })).status).toBe(200);
    const off = await create();
    expect(off.status).toBe(403);
    expect(await off.json()).toEqual([expect.objectContaining({ errorCode: 'API_DISABLED_FOR_ORG' })]);
    await bulk({ refuseWith: 404 });
    const missing = await create();
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual([expect.objectContaining({ errorCode: 'NOT_FOUND' })]);
    expect((await bulk({ refuseWith: 500 })).status).toBe(400);

    await bulk({ enabled: true, failJobs: 1, failMessage: 'QUERY_TIMEOUT : too long' });
    const id = ((await (await create()).json()) as { id: string }).id;
    await api('GET', `/jobs/query/${id}`);
    expect(await (await api('GET', `/jobs/query/${id}`)).json()).toMatchObject({ state: 'Failed', errorMessage: 'QUERY_TIMEOUT : too long' });
    // Only the next job fails.
    const next = ((await (await create()).json()) as { id: string }).id;
    await api('GET', `/jobs/query/${next}`);
    expect(await (await api('GET', `/jobs/query/${next}`)).json()).toMatchObject({ state: 'JobComplete' });

    // A held job stays InProgress however often it is read, until it is aborted; the one after it completes.
    expect((await bulk({ holdJobs: -1 })).status).toBe(400);
    await bulk({ holdJobs: 1 });
    const held = ((await (await create()).json()) as { id: string }).id;
    for (let i = 0; i < 4; i++) expect(await (await api('GET', `/jobs/query/${held}`)).json()).toMatchObject({ state: 'InProgress' });
    expect((await api('GET', `/jobs/query/${held}/results`)).status).toBe(400);
    expect(await (await api('PATCH', `/jobs/query/${held}`, { state: 'Aborted' })).json()).toMatchObject({ state: 'Aborted' });
    const after = ((await (await create()).json()) as { id: string }).id;
    await api('GET', `/jobs/query/${after}`);
    expect(await (await api('GET', `/jobs/query/${after}`)).json()).toMatchObject({ state: 'JobComplete' });

    await bulk({ enabled: false, holdJobs: 2 });
    await fetch(`${sb.url}/_sandbox/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(await (await fetch(`${sb.url}/_sandbox/salesforce/bulk`)).json()).toMatchObject({ enabled: true, failJobs: 0, holdJobs: 0, jobs: 0 });
    expect((await create()).status).toBe(200);
  });
});
