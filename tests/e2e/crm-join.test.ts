/**
 * A CRM joins the running graph without a restart: the product runs with Salesforce only (a real deployment's
 * environment, the demo off); an admin saves a HubSpot connector through the admin API; the same process then serves
 * HubSpot's native types, links HubSpot's records in the background, and golden customers merge the two CRMs — no
 * restart. A connector whose CRM cannot be read is refused with the CRM's code and changes nothing. Disabled and
 * deleted, then saved again, it takes its old place in the running graph.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoSeed } from '../../sandboxes/demo/index.ts';
import { startHubSpotSandbox } from '../../sandboxes/hubspot/index.ts';
import type { RunningHubSpotSandbox } from '../../sandboxes/hubspot/index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const SAVE = `mutation($input: SaveConnectorInput!) { saveConnector(input: $input) { applied restartReason connector { id running } } }`;
const SOURCES = '{ customers(first: 200) { edges { node { id sources { crm } } } } }';
type Sources = { customers: { edges: { node: { id: string; sources: { crm: string }[] } }[] } };

describe('a CRM joins the running graph', () => {
  let salesforce: SalesforceSandbox;
  let hubspot: RunningHubSpotSandbox;
  let t: TestApp;
  beforeAll(async () => {
    const seed = generateDemoSeed({ customers: 30 });
    salesforce = await startSalesforceSandbox({ port: 0, demoSeed: seed.salesforce });
    hubspot = await startHubSpotSandbox({ port: 0, demoSeed: seed.hubspot });
    t = await startTestApp({ demo: false, env: { SALESFORCE_LOGIN_URL: salesforce.url, SALESFORCE_CLIENT_ID: DEFAULT_CLIENT_ID, SALESFORCE_CLIENT_SECRET: DEFAULT_CLIENT_SECRET } });
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    await Promise.allSettled([salesforce?.close(), hubspot?.close()]);
  });

  const crmsSeen = async () => {
    const res = await t.gql<Sources>(SOURCES);
    expect(res.errors).toBeUndefined();
    return res.data!.customers.edges.map((e) => new Set(e.node.sources.map((s) => s.crm)));
  };
  // Identity always declares the HubSpotContact key stub; the HubSpot subgraph adds its native fields.
  const hubspotFields = async () => ((await t.gql<{ __type: { fields: { name: string }[] } | null }>('{ __type(name: "HubSpotContact") { fields { name } } }')).data?.__type?.fields ?? []).map((f) => f.name);
  const input = (baseUrl: string) => ({ id: 'hubspot-main', crm: 'hubspot', name: 'HubSpot', baseUrl, authKind: 'static', credentials: [{ name: 'accessToken', value: 'sandbox-token' }, { name: 'webhookSecret', value: 'join-secret' }] });

  it('runs with Salesforce alone at first', async () => {
    expect(await hubspotFields()).not.toContain('email');
    const seen = await crmsSeen();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((crms) => crms.size === 1 && crms.has('salesforce'))).toBe(true);
  });

  it('refuses a HubSpot connector it cannot reach, changing nothing', async () => {
    const res = await t.gql(SAVE, { input: input('http://127.0.0.1:9') });
    expect(res.errors?.[0]?.extensions?.code).toBe('CRM_UNAVAILABLE');
    expect(await hubspotFields()).not.toContain('email');
  });

  it('starts a saved HubSpot connector at once: its types, its records linked, golden customers from both CRMs', async () => {
    const res = await t.gql<{ saveConnector: { applied: boolean; restartReason: string | null; connector: { id: string; running: boolean } } }>(SAVE, { input: input(hubspot.url) });
    expect(res.errors).toBeUndefined();
    expect(res.data!.saveConnector).toEqual({ applied: true, restartReason: null, connector: { id: 'hubspot-main', running: true } });
    expect(await hubspotFields()).toEqual(expect.arrayContaining(['email', 'phone', 'jobtitle']));
    // Linking runs in the background: customers come to have HubSpot sources, some of them merged with Salesforce ones.
    await expect.poll(async () => (await crmsSeen()).filter((crms) => crms.has('salesforce') && crms.has('hubspot')).length, { timeout: 60_000, interval: 500 }).toBeGreaterThan(0);
    // Its webhooks are received: a delivery to its path is checked (and refused here, unsigned) rather than unknown.
    const webhook = await fetch(`${t.app.server.url}/webhooks/hubspot-main`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
    expect(webhook.status).toBe(401);
    const page = await t.gql<{ hubSpotContacts: { edges: { node: { id: string } }[] } | null }>('{ hubSpotContacts(first: 3) { edges { node { id } } } }');
    expect(page.errors).toBeUndefined();
    expect(page.data!.hubSpotContacts!.edges.length).toBeGreaterThan(0);
  });

  it('a connector disabled and deleted, then saved again, takes its place in the running graph again', async () => {
    const set = (on: boolean) => t.gql('mutation($on: Boolean!) { setConnectorEnabled(id: "hubspot-main", enabled: $on) { restartReason } }', { on });
    expect((await set(false)).errors).toBeUndefined();
    const deleted = await t.gql<{ deleteConnector: boolean }>('mutation { deleteConnector(id: "hubspot-main") }');
    expect(deleted.data?.deleteConnector).toBe(true);
    const down = await t.gql('{ hubSpotContacts(first: 1) { edges { node { id } } } }');
    expect(down.errors?.[0]?.extensions?.code).toBe('CRM_UNAVAILABLE');

    const res = await t.gql<{ saveConnector: { applied: boolean; restartReason: string | null; connector: { id: string; running: boolean } } }>(SAVE, { input: { ...input(hubspot.url), id: 'hubspot-again' } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.saveConnector).toEqual({ applied: true, restartReason: null, connector: { id: 'hubspot-again', running: true } });
    const page = await t.gql<{ hubSpotContacts: { edges: { node: { id: string } }[] } | null }>('{ hubSpotContacts(first: 3) { edges { node { id } } } }');
    expect(page.errors).toBeUndefined();
    expect(page.data!.hubSpotContacts!.edges.length).toBeGreaterThan(0);
  });
});
