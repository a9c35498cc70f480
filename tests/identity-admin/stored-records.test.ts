/**
 * Which mapping version the stored golden records follow, through the admin API of a real app (embedded demo, token
 * set): the start link run records every type's basis; a save touching Customer makes Customer stale and not Company;
 * `startResync(goldenTypes: ["Customer"])` reads only Customer objects, clears the staleness and leaves the stored
 * snapshot with the new mapping's value; an unknown golden type is BAD_USER_INPUT with nothing started.
 * A save made while a type is being read leaves it stale: the read and its basis follow the version it started with.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goldenRecords, recordLinks, resyncRuns } from '../../db/schema.ts';
import { bearerGraphql } from '../support/bearer-graphql.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'stored-records-token';
const FRESHNESS = '{ storedRecordsFreshness { goldenType followsMappingVersion currentMappingVersion stale readAt } }';
interface Freshness { goldenType: string; followsMappingVersion: number | null; currentMappingVersion: number; stale: boolean; readAt: string | null }
interface Status { state: string; goldenTypes: string[] | null; objects: { goldenType: string; crm: string; objectType: string; records: number }[]; failedObjects: unknown[] }
type Doc = { types: { Customer: { fields: Record<string, { mappings: { crm: string; from: string | string[]; writable?: boolean }[] }> } } };

describe('admin API: stored records freshness', () => {
  let t: TestApp;
  let goldenId: string;
  const gql = bearerGraphql(() => t.url, TOKEN);
  const freshness = async () => {
    const res = await gql<{ storedRecordsFreshness: Freshness[] }>(FRESHNESS);
    expect(res.errors).toBeUndefined();
    return new Map(res.data!.storedRecordsFreshness.map((f) => [f.goldenType, f]));
  };
  const storedDepartment = async () =>
    ((await t.app.database.db.select({ s: goldenRecords.snapshot }).from(goldenRecords).where(eq(goldenRecords.id, goldenId)))[0]?.s as { department?: string | null } | null)?.department;

  beforeAll(async () => {
    process.env.CUSTOMER_GRAPH_API_TOKENS = TOKEN;
    t = await startTestApp();
    const [created] = await t.app.connectors.get('salesforce')!.createMany('Contact', [{ fields: { FirstName: 'Grace', LastName: 'Hopper', Email: 'grace.hopper@navy-yard.example', Department: 'Navy', Title: 'Rear Admiral' } }]);
    expect(created?.ok).toBe(true);
    await t.app.link();
    const [link] = await t.app.database.db.select({ goldenId: recordLinks.goldenId }).from(recordLinks)
      .where(and(eq(recordLinks.crm, 'salesforce'), eq(recordLinks.recordId, created!.id!)));
    goldenId = link!.goldenId;
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    delete process.env.CUSTOMER_GRAPH_API_TOKENS;
  });

  it('records the version every type was read with at start, and nothing is stale', async () => {
    const f = await freshness();
    expect([...f.keys()].sort()).toEqual(['Company', 'Customer', 'Deal']);
    for (const x of f.values()) {
      expect(x).toMatchObject({ followsMappingVersion: x.currentMappingVersion, stale: false });
      expect(x.readAt).not.toBeNull();
    }
    expect(await storedDepartment()).toBe('Navy');
  });

  it('a save touching Customer makes Customer stale, not Company; a resync of Customer alone clears it', async () => {
    const before = (await freshness()).get('Customer')!.currentMappingVersion;
    const current = await gql<{ mappingConfiguration: { document: string } }>('{ mappingConfiguration { document } }');
    const doc = JSON.parse(current.data!.mappingConfiguration.document) as Doc;
    const sf = doc.types.Customer.fields.department!.mappings.find((m) => m.crm === 'salesforce')!;
    Object.assign(sf, { from: ['Title'], writable: false });
    const saved = await gql('mutation($d: String!) { saveMappingConfiguration(document: $d) { version } }', { d: JSON.stringify(doc) });
    expect(saved.errors).toBeUndefined();

    let f = await freshness();
    expect(f.get('Customer')).toMatchObject({ followsMappingVersion: before, currentMappingVersion: before + 1, stale: true });
    expect(f.get('Company')).toMatchObject({ followsMappingVersion: before, currentMappingVersion: before + 1, stale: false });
    expect(f.get('Deal')).toMatchObject({ stale: false });
    // The API answers with the new mapping already; the stored snapshot does not.
    const live = await gql<{ customer: { department: string | null } }>('query($id: ID!) { customer(id: $id) { department } }', { id: goldenId });
    expect(live.data?.customer.department).toBe('Rear Admiral');
    expect(await storedDepartment()).toBe('Navy');

    const started = await gql<{ startResync: Status }>('mutation { startResync(goldenTypes: ["Customer"]) { state goldenTypes } }');
    expect(started.errors).toBeUndefined();
    expect(started.data!.startResync).toMatchObject({ state: 'running', goldenTypes: ['Customer'] });
    await expect.poll(async () => (await gql<{ resyncStatus: Status }>('{ resyncStatus { state } }')).data!.resyncStatus.state, { timeout: 60_000, interval: 250 }).toBe('done');
    const done = (await gql<{ resyncStatus: Status }>('{ resyncStatus { state goldenTypes objects { goldenType crm objectType records } failedObjects { crm } } }')).data!.resyncStatus;
    expect(done.failedObjects).toEqual([]);
    expect(new Set(done.objects.map((o) => o.goldenType))).toEqual(new Set(['Customer']));
    expect(done.objects.find((o) => o.crm === 'salesforce')?.records).toBeGreaterThan(0);

    f = await freshness();
    expect(f.get('Customer')).toMatchObject({ followsMappingVersion: before + 1, stale: false });
    expect(f.get('Company')).toMatchObject({ followsMappingVersion: before, stale: false });
    expect(await storedDepartment()).toBe('Rear Admiral');
  });

  it('a save made while Customer is being read leaves Customer stale: the read follows the version it started with', async () => {
    const startVersion = (await freshness()).get('Customer')!.currentMappingVersion;
    // Every Salesforce call now takes 3 s, so the read of Customer's Salesforce objects outlasts the save below (which
    // calls no CRM: it only moves a mapping between fields the CRM's held metadata already has).
    const latency = (fixedMs: number) => fetch(`${t.salesforceUrl}/_sandbox/latency`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fixedMs }) });
    expect((await latency(3_000)).ok).toBe(true);
    try {
      const started = await gql<{ startResync: Status }>('mutation { startResync(goldenTypes: ["Customer"]) { state } }');
      expect(started.errors).toBeUndefined();
      // The run has taken its mapping version once one of its objects reports progress (HubSpot's, not slowed).
      await expect.poll(async () => (await gql<{ resyncStatus: Status }>('{ resyncStatus { objects { goldenType crm objectType records } } }')).data!.resyncStatus.objects.length,
        { timeout: 30_000, interval: 100 }).toBeGreaterThan(0);
      const doc = JSON.parse((await gql<{ mappingConfiguration: { document: string } }>('{ mappingConfiguration { document } }')).data!.mappingConfiguration.document) as Doc;
      Object.assign(doc.types.Customer.fields.department!.mappings.find((m) => m.crm === 'salesforce')!, { from: ['Department'] });
      const saved = await gql('mutation($d: String!) { saveMappingConfiguration(document: $d) { version } }', { d: JSON.stringify(doc) });
      expect(saved.errors).toBeUndefined();
      // Without this the test would not show a save DURING the read.
      expect((await gql<{ resyncStatus: Status }>('{ resyncStatus { state } }')).data!.resyncStatus.state).toBe('running');
    } finally {
      expect((await latency(0)).ok).toBe(true);
    }
    await expect.poll(async () => (await gql<{ resyncStatus: Status }>('{ resyncStatus { state } }')).data!.resyncStatus.state, { timeout: 60_000, interval: 250 }).toBe('done');
    const f = await freshness();
    expect(f.get('Customer')).toMatchObject({ followsMappingVersion: startVersion, currentMappingVersion: startVersion + 1, stale: true });
    // The records were read with the start version's mapping (department from Title), which the basis says.
    expect(await storedDepartment()).toBe('Rear Admiral');
  });

  it('an unknown golden type is BAD_USER_INPUT, and nothing is started', async () => {
    const runs = (await t.app.database.db.select({ id: resyncRuns.id }).from(resyncRuns)).length;
    const res = await gql('mutation { startResync(goldenTypes: ["Customer", "Invoice"]) { state } }');
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toContain('Invoice');
    expect((await t.app.database.db.select({ id: resyncRuns.id }).from(resyncRuns)).length).toBe(runs);
  });

  it('needs the API token', async () => {
    expect((await gql(FRESHNESS, {}, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
