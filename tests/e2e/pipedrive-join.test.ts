/**
 * A third CRM, Pipedrive, in the running product: a Salesforce deployment (the demo off) gains a Pipedrive company
 * through the admin API, without a restart. Pipedrive's persons then merge into the golden customers Salesforce
 * already holds (same person, same email), its values take part in survivorship with provenance naming Pipedrive, a
 * change made in Pipedrive arrives by polling (the connector subscribes to Pipedrive's webhooks at the public URL,
 * where nothing listens in this test), and a golden update is written back
 * to the Pipedrive person. An organization known to Pipedrive by name alone joins the Salesforce account of that name
 * (links made before company names were kept beside domains get them when the join re-reads Salesforce). Everything
 * goes over HTTP to the Pipedrive sandbox, through the connector's own client.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoSeed } from '../../sandboxes/demo/index.ts';
import type { SalesforceContact } from '../../sandboxes/demo/index.ts';
import { startPipedriveSandbox } from '../../sandboxes/pipedrive/index.ts';
import type { RunningPipedriveSandbox } from '../../sandboxes/pipedrive/index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { startTestApp } from '../support/test-app.ts';
import { crmJoin } from './support/crm-join.ts';
import type { TestApp } from '../support/test-app.ts';

const POLL_MS = 1_000;
const PUBLIC_URL = 'http://127.0.0.1:9';

/** Pipedrive persons for the first Salesforce contacts: the same people (same email), another phone, edited later. */
function personsFor(contacts: readonly SalesforceContact[]) {
  return contacts.map((c, i) => ({
    id: 501 + i,
    name: `${c.FirstName ?? ''} ${c.LastName}`.trim(),
    first_name: c.FirstName,
    last_name: c.LastName,
    emails: [{ value: c.Email, primary: true, label: 'work' }],
    phones: [{ value: `+1 415 555 01${String(10 + i)}`, primary: true, label: 'work' }],
    // After every demo record: Pipedrive holds the newest phone, so last-write-wins picks it.
    // After every demo record, and in the past as every modification time is: the change feed is read by time.
    add_time: '2026-11-20T09:00:00Z',
    update_time: '2026-11-20T09:00:00Z',
  }));
}

describe('Pipedrive joins a running deployment', () => {
  let salesforce: SalesforceSandbox;
  let pipedrive: RunningPipedriveSandbox;
  let t: TestApp;
  let contacts: SalesforceContact[];
  let accountName: string;
  beforeAll(async () => {
    const seed = generateDemoSeed({ customers: 30 });
    contacts = seed.salesforce.Contact.filter((c) => c.Email).slice(0, 5);
    accountName = seed.salesforce.Account[0]!.Name;
    salesforce = await startSalesforceSandbox({ port: 0, demoSeed: seed.salesforce });
    pipedrive = await startPipedriveSandbox({ port: 0, seed: {
      persons: personsFor(contacts),
      organizations: [{ id: 71, name: 'Pipedrive-only Ltd' }, { id: 72, name: `  ${accountName.toUpperCase()} ` }],
    } });
    t = await startTestApp({
      demo: false,
      env: { SALESFORCE_LOGIN_URL: salesforce.url, SALESFORCE_CLIENT_ID: DEFAULT_CLIENT_ID, SALESFORCE_CLIENT_SECRET: DEFAULT_CLIENT_SECRET, CUSTOMER_GRAPH_POLL_INTERVAL_MS: String(POLL_MS),
        // Where Pipedrive would deliver webhooks: nothing listens there, so changes here still arrive by polling.
        CUSTOMER_GRAPH_PUBLIC_URL: PUBLIC_URL },
    });
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    await Promise.allSettled([salesforce?.close(), pipedrive?.close()]);
  });

  const input = (apiToken: string) => ({
    id: 'pipedrive-sales-emea', crm: 'pipedrive', name: 'Pipedrive (EMEA sales)', baseUrl: pipedrive.url, authKind: 'api-token',
    credentials: [{ name: 'apiToken', value: apiToken }, { name: 'webhookUser', value: 'cg-emea' }, { name: 'webhookPassword', value: 'emea-hooks-secret' }],
  });
  const join = crmJoin(() => t, 'pipedrive');

  it('is offered as a connector kind, and a wrong API token is refused with the CRM code, storing nothing', async () => {
    await join.expectRefused(input('not-the-token'), ['api-token', 'refresh-token'], 'not-the-token');
  });

  it('starts at once: Pipedrive types in the graph, its persons merged into the Salesforce customers they match', async () => {
    // As a deployment linked before company names were kept beside domains: the join's re-read stamps them.
    await t.app.database.db.execute(sql`update record_links set match_detail = match_detail - 'alt' where entity_type = 'Company'`);
    await join.expectJoined(input(pipedrive.apiToken));

    const page = await t.gql<{ pipedrivePersons: { edges: { node: { id: string; email: string; phone: string } }[] } }>('{ pipedrivePersons(first: 10) { edges { node { id email phone } } } }');
    expect(page.errors).toBeUndefined();
    expect(page.data!.pipedrivePersons.edges.map((e) => e.node.id).sort()).toEqual(['501', '502', '503', '504', '505']);
    // With webhook credentials, the joined connector subscribes to Pipedrive's webhooks at the public URL.
    const subscriptions = async () => ((await (await fetch(`${pipedrive.url}/api/v1/webhooks`, { headers: { 'x-api-token': pipedrive.apiToken } })).json()) as { data: { subscription_url: string; event_object: string; http_auth_user: string }[] }).data;
    await expect.poll(async () => (await subscriptions()).map((w) => w.event_object).sort(), { timeout: 10_000, interval: 100 }).toEqual(['deal', 'organization', 'person']);
    for (const w of await subscriptions()) expect(w).toMatchObject({ subscription_url: `${PUBLIC_URL}/webhooks/pipedrive-sales-emea`, http_auth_user: 'cg-emea' });

    await join.expectMergedWithSalesforce(contacts.map((c, i) => ({ salesforceId: c.Id, recordId: String(501 + i) })));
  }, 120_000);

  it('merges field by field: the newer Pipedrive phone wins, and provenance says so', async () => {
    const c = await join.customer((await join.withRecord('501'))!.id);
    expect(c.email?.toLowerCase()).toBe(contacts[0]!.Email!.toLowerCase());
    expect(c.phone).toBe('+14155550110');
    expect(c.provenance[0]).toMatchObject({ field: 'phone', rule: 'last-write-wins', source: { crm: 'pipedrive', recordId: '501' } });
  });

  it('a change made in Pipedrive reaches the golden snapshot by polling (queries read it live; the list filter reads the snapshot)', async () => {
    await join.expectChangeArrives('502', async () => {
      const patched = await fetch(`${pipedrive.url}/api/v2/persons/502`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', 'x-api-token': pipedrive.apiToken },
        body: JSON.stringify({ phones: [{ value: '+1 415 555 0199', primary: true, label: 'work' }], first_name: 'Zebedee' }),
      });
      expect(patched.status).toBe(200);
    }, '+14155550199', 'Zebedee');
  }, 90_000);

  it('a golden update is written back to the Pipedrive person, and to Salesforce', async () => {
    await join.expectWrittenBack('503', () => pipedrive.store.get('persons', 503)?.first_name);
    await expect.poll(() => salesforce.store.all('Contact').find((r) => r.Id === contacts[2]!.Id)?.FirstName, { timeout: 30_000, interval: 250 }).toBe('Augusta');
  }, 60_000);

  it('joins the organization named like a Salesforce account to it, and keeps the other one apart', async () => {
    const res = await t.gql<{ companies: { edges: { node: { name: string; sources: { crm: string; recordId: string }[] } }[] } }>('{ companies(first: 200) { edges { node { name sources { crm recordId } } } } }');
    expect(res.errors).toBeUndefined();
    const of = (recordId: string) => res.data!.companies.edges.map((e) => e.node).find((c) => c.sources.some((x) => x.crm === 'pipedrive' && x.recordId === recordId))!;
    expect(of('72').sources.map((x) => x.crm).sort()).toEqual(['pipedrive', 'salesforce']);
    expect(of('71').sources.map((x) => x.crm)).toEqual(['pipedrive']);
  });
});
