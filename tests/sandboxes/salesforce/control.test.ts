import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'jsforce';
import { startSalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import { connect, errorOf, start } from './helpers.ts';

let sb: SalesforceSandbox;
let conn: Connection;
let tmp: string;
beforeAll(async () => {
  ({ sb, conn } = await start());
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sf-seed-'));
});
afterAll(async () => {
  await sb.close();
  await rm(tmp, { recursive: true, force: true });
});

const put = (url: string, body: unknown) => fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const post = (url: string, body: unknown = {}) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const getJson = async <T>(url: string) => (await (await fetch(url)).json()) as T;

async function seedFolder(name: string, files: Record<string, string>): Promise<string> {
  const dir = path.join(tmp, name);
  await mkdir(path.join(dir, 'salesforce'), { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(path.join(dir, 'salesforce', file), text);
  return dir;
}

describe('fault injection', () => {
  it('a scheduled 429 carries Retry-After and jsforce retries the GET', async () => {
    await post(`${sb.url}/_sandbox/stats/reset`);
    await put(`${sb.url}/_sandbox/faults`, [{ kind: 'rate-limit', schedule: [1], match: '^GET .*/query$', retryAfterSeconds: 2 }]);
    const res = await conn.query('SELECT Id FROM Contact');
    expect(res.done).toBe(true);
    const stats = await getJson<{ total: number; routes: Record<string, number> }>(`${sb.url}/_sandbox/stats`);
    expect(stats.routes['GET /services/data/vXX.X/query']).toBe(2);

    await put(`${sb.url}/_sandbox/faults`, [{ kind: 'rate-limit', schedule: [1], retryAfterSeconds: 7 }]);
    const raw = await fetch(`${sb.url}/services/data/v60.0/limits`, { headers: { Authorization: `Bearer ${conn.accessToken}` } });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('7');
    expect(raw.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await raw.json()) as { errorCode: string }[])[0]!.errorCode).toBe('REQUEST_LIMIT_EXCEEDED');
    await fetch(`${sb.url}/_sandbox/faults`, { method: 'DELETE' });
  });

  it('a POST is not retried by jsforce: the 429 surfaces as REQUEST_LIMIT_EXCEEDED and nothing is stored', async () => {
    const before = sb.store.count('Contact');
    await put(`${sb.url}/_sandbox/faults`, [{ kind: 'rate-limit', schedule: [1], match: '^POST ' }]);
    const err = await errorOf(conn.sobject('Contact').create({ LastName: 'Throttled' }));
    expect(err.errorCode).toBe('REQUEST_LIMIT_EXCEEDED');
    expect(sb.store.count('Contact')).toBe(before);
    await fetch(`${sb.url}/_sandbox/faults`, { method: 'DELETE' });
  });

  it('the rate-limit status is configurable (403 like the org concurrency limit)', async () => {
    await put(`${sb.url}/_sandbox/limits`, { rateLimitStatus: 403 });
    await put(`${sb.url}/_sandbox/faults`, [{ kind: 'rate-limit', schedule: [1] }]);
    const raw = await fetch(`${sb.url}/services/data/v60.0/limits`, { headers: { Authorization: `Bearer ${conn.accessToken}` } });
    expect(raw.status).toBe(403);
    expect(raw.headers.get('retry-after')).toBe('1');
    await put(`${sb.url}/_sandbox/limits`, { rateLimitStatus: 429 });
    await fetch(`${sb.url}/_sandbox/faults`, { method: 'DELETE' });
  });

  it('server errors use SERVER_UNAVAILABLE; reset-after-write applies the write and drops the answer', async () => {
    await put(`${sb.url}/_sandbox/faults`, [{ kind: 'server-error', schedule: [1], match: '^POST ' }]);
    expect((await errorOf(conn.sobject('Contact').create({ LastName: 'Down' }))).errorCode).toBe('SERVER_UNAVAILABLE');
    await put(`${sb.url}/_sandbox/faults`, [{ kind: 'reset-after-write', schedule: [1], match: '^POST ' }]);
    await expect(conn.sobject('Contact').create({ LastName: 'Applied' })).rejects.toThrow();
    await fetch(`${sb.url}/_sandbox/faults`, { method: 'DELETE' });
    expect((await conn.query("SELECT Id FROM Contact WHERE LastName = 'Applied'")).totalSize).toBe(1);
  });
});

describe('ledger', () => {
  it('records one entry per applied write', async () => {
    await fetch(`${sb.url}/_sandbox/ledger`, { method: 'DELETE' });
    const { id } = (await conn.sobject('Contact').create({ LastName: 'Ledgered' })) as { id: string };
    await conn.sobject('Contact').update({ Id: id, Title: 'T' });
    await conn.sobject('Contact').create([{ LastName: 'L1' }, { LastName: 'L2' }, { FirstName: 'invalid' }]);
    await conn.sobject('Contact').destroy(id);
    const { entries } = await getJson<{ entries: { operation: string; objectType: string; recordId: string; route: string; fields: Record<string, unknown> }[] }>(`${sb.url}/_sandbox/ledger`);
    expect(entries.map((e) => e.operation)).toEqual(['create', 'update', 'create', 'create', 'delete']);
    expect(entries[0]).toMatchObject({ objectType: 'Contact', recordId: id, route: 'POST /services/data/vXX.X/sobjects/Contact', fields: { LastName: 'Ledgered' } });
    expect(entries[1]).toMatchObject({ route: 'PATCH /services/data/vXX.X/sobjects/Contact/:id', fields: { Title: 'T' } });
  });
});

describe('seeding', () => {
  const account = { attributes: { type: 'Account', url: '/services/data/v60.0/sobjects/Account/001000000000001AAA' }, Id: '001000000000001AAA', Name: 'Seeded Inc', Industry: 'Retail' };
  const contact = { Id: '003000000000001', LastName: 'Seed', Email: 'seed@x.test', AccountId: '001000000000001AAA', LastModifiedDate: '2024-02-02T00:00:00.000+0000', Account: { Name: 'Seeded Inc' } };

  it('loads a seed folder with ids preserved (15-char ids become 18)', async () => {
    const dir = await seedFolder('good', { 'Account.json': JSON.stringify([account]), 'Contact.json': JSON.stringify([contact]) });
    const seeded = await startSalesforceSandbox({ seedDir: dir });
    try {
      const c = await connect(seeded);
      const rows = await c.query<Record<string, unknown>>('SELECT Id, Account.Name, SystemModstamp FROM Contact');
      expect(rows.records).toEqual([expect.objectContaining({ Id: '003000000000001AAA', SystemModstamp: '2024-02-02T00:00:00.000+0000', Account: expect.objectContaining({ Name: 'Seeded Inc' }) })]);
      expect((await c.query('SELECT COUNT() FROM Lead')).totalSize).toBe(0);
    } finally {
      await seeded.close();
    }
  });

  it('loads optional users and names the owner', async () => {
    const dir = await seedFolder('users', {
      'User.json': JSON.stringify([{ Id: '005000000000007AAA', Name: 'Dana Whitfield', Email: 'dana@x.test' }]),
      'Account.json': JSON.stringify([{ ...account, OwnerId: '005000000000007AAA' }]),
    });
    const seeded = await startSalesforceSandbox({ seedDir: dir });
    try {
      const c = await connect(seeded);
      const rows = await c.query<{ Owner: { Name: string } }>('SELECT Owner.Name FROM Account');
      expect(rows.records[0]!.Owner.Name).toBe('Dana Whitfield');
      expect(seeded.store.get('User', '005000000000007AAA')).toMatchObject({ FirstName: 'Dana', LastName: 'Whitfield' });
    } finally {
      await seeded.close();
    }
  });

  it('refuses a malformed file or record, naming the file and the record index', async () => {
    const badJson = await seedFolder('bad-json', { 'Contact.json': '[{"LastName": ' });
    await expect(startSalesforceSandbox({ seedDir: badJson })).rejects.toThrow(/Contact\.json is not valid JSON/);
    const badRecord = await seedFolder('bad-record', { 'Contact.json': JSON.stringify([{ LastName: 'ok' }, { LastName: 'bad', Shoe_Size__c: 9 }]) });
    await expect(startSalesforceSandbox({ seedDir: badRecord })).rejects.toThrow(/Contact\.json: record 1: unknown field 'Shoe_Size__c'/);
    const badRef = await seedFolder('bad-ref', { 'Contact.json': JSON.stringify([{ LastName: 'orphan', AccountId: '001000000000099AAA' }]) });
    await expect(startSalesforceSandbox({ seedDir: badRef })).rejects.toThrow(/Contact\.json: record 0: field AccountId/);
    const missing = await seedFolder('missing-required', { 'Account.json': JSON.stringify([{ Id: '001000000000001AAA' }]) });
    await expect(startSalesforceSandbox({ seedDir: missing })).rejects.toThrow(/Account\.json: record 0: required fields are missing: \[Name\]/);
  });

  it('POST /_sandbox/reset reloads from a seed folder, or the demo seed, or empty', async () => {
    const dir = await seedFolder('reset', { 'Account.json': JSON.stringify([account]) });
    const demo = await startSalesforceSandbox({ demoSeed: { Lead: [{ LastName: 'Demo', Company: 'Demo Co' }] } });
    try {
      const c = await connect(demo);
      expect((await c.query('SELECT COUNT() FROM Lead')).totalSize).toBe(1);
      await c.sobject('Account').create({ Name: 'Scratch' });
      const res = await post(`${demo.url}/_sandbox/reset`, { seedDir: dir });
      expect(res.status).toBe(200);
      expect((await c.query('SELECT Name FROM Account')).records.map((r) => r.Name)).toEqual(['Seeded Inc']);
      expect((await c.query('SELECT COUNT() FROM Lead')).totalSize).toBe(0);
      await post(`${demo.url}/_sandbox/reset`);
      expect((await c.query('SELECT COUNT() FROM Lead')).totalSize).toBe(1);
      expect((await c.query('SELECT COUNT() FROM Account')).totalSize).toBe(0);
      const bad = await post(`${demo.url}/_sandbox/reset`, { seedDir: path.join(tmp, 'bad-json') });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: string }).error).toMatch(/Contact\.json/);
    } finally {
      await demo.close();
    }
  });
});
