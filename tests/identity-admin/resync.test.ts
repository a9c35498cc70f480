/**
 * Re-reading every CRM record from the admin API (real app on the embedded demo, token set): a quality check removed
 * from the mapping applies to stored records only as they change — until `startResync` re-reads everything, with its
 * progress in `resyncStatus` (records per CRM object), after which the removed check's flags are gone. One run at a
 * time (CONFLICT); both fields need the token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerGraphql } from '../support/bearer-graphql.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'resync-token';
const STATUS = 'state startedAt finishedAt objects { goldenType crm objectType records } goldenCreated linksCreated snapshotsChanged failedObjects { crm objectType code } error';
interface Status { state: string; startedAt: string | null; finishedAt: string | null; objects: { goldenType: string; crm: string; objectType: string; records: number }[]; failedObjects: unknown[]; error: string | null }

describe('admin API: resync', () => {
  let t: TestApp;
  const gql = bearerGraphql(() => t.url, TOKEN);
  const status = async () => (await gql<{ resyncStatus: Status }>(`{ resyncStatus { ${STATUS} } }`)).data!.resyncStatus;
  const invalidEmails = async () => {
    const res = await gql<{ dataQuality: { field: string; code: string; crm: string; issues: number }[] }>('{ dataQuality(type: "Customer") { field code crm issues } }');
    return res.data!.dataQuality.find((g) => g.field === 'email' && g.code === 'INVALID_EMAIL' && g.crm === 'salesforce')?.issues ?? 0;
  };

  beforeAll(async () => {
    process.env.CUSTOMER_GRAPH_API_TOKENS = TOKEN;
    t = await startTestApp();
    const [created] = await t.app.connectors.get('salesforce')!.createMany('Contact', [{ fields: { FirstName: 'Grace', LastName: 'Hopper', Email: 'grace,hopper@navy-yard.example' } }]);
    expect(created?.ok).toBe(true);
    await t.app.link();
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    delete process.env.CUSTOMER_GRAPH_API_TOKENS;
  });

  it('applies a removed quality check to every stored record, showing its progress', async () => {
    expect((await status()).state).toBe('idle');
    expect(await invalidEmails()).toBeGreaterThan(0);
    // The email check is removed: stored flags stay until the records are read again.
    const current = await gql<{ mappingConfiguration: { document: string } }>('{ mappingConfiguration { document } }');
    const doc = JSON.parse(current.data!.mappingConfiguration.document) as { types: { Customer: { fields: { email: { quality: string[] } } } } };
    doc.types.Customer.fields.email.quality = doc.types.Customer.fields.email.quality.filter((q) => q !== 'email-syntax');
    expect((await gql('mutation($d: String!) { saveMappingConfiguration(document: $d) { version } }', { d: JSON.stringify(doc) })).errors).toBeUndefined();
    expect(await invalidEmails()).toBeGreaterThan(0);

    // Slow CRM answers keep the run going while a second start is refused.
    await fetch(`${t.salesforceUrl}/_sandbox/latency`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fixedMs: 150 }) });
    const started = await gql<{ startResync: Status }>(`mutation { startResync { ${STATUS} } }`);
    expect(started.errors).toBeUndefined();
    expect(started.data!.startResync).toMatchObject({ state: 'running', finishedAt: null, error: null });
    expect((await gql(`mutation { startResync { state } }`)).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    await fetch(`${t.salesforceUrl}/_sandbox/latency`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });

    await expect.poll(async () => (await status()).state, { timeout: 60_000, interval: 250 }).toBe('done');
    const done = await status();
    expect(done.finishedAt).not.toBeNull();
    expect(done.failedObjects).toEqual([]);
    const read = new Map(done.objects.map((o) => [`${o.crm} ${o.objectType}`, o.records]));
    expect(read.get('salesforce Contact')).toBeGreaterThan(0);
    expect(read.get('hubspot contacts')).toBeGreaterThan(0);
    expect(await invalidEmails()).toBe(0);
  });

  it('needs the API token', async () => {
    expect((await gql('{ resyncStatus { state } }', {}, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gql('mutation { startResync { state } }', {}, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
