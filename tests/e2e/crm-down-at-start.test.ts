/**
 * One CRM that cannot be reached at start does not stop the gateway (cli/crm-retry.ts): it starts with the CRMs it
 * can read and serves their customers; the unreachable connector shows as down in the admin `connectors` query with
 * what to do; and when a CRM answers at that address, it joins the running graph by itself (background retry,
 * crm-join.ts) — its native types are served and its records linked — without a restart. With no CRM reachable at
 * all, the gateway still starts, so the admin API (and UI) can fix the connection. A CRM refusing the credentials at
 * start is shown as needing new ones, and joins once an admin saves working ones.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoSeed } from '../../sandboxes/demo/index.ts';
import { startHubSpotSandbox } from '../../sandboxes/hubspot/index.ts';
import type { RunningHubSpotSandbox } from '../../sandboxes/hubspot/index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const CONNECTORS = '{ connectors { id status statusReason running } }';
type Connectors = { connectors: { id: string; status: string; statusReason: string | null; running: boolean }[] };
const FRESHNESS = '{ storedRecordsFreshness { goldenType followsMappingVersion stale } }';
const SOURCES = '{ customers(first: 200) { edges { node { id sources { crm } } } } }';
type Sources = { customers: { edges: { node: { id: string; sources: { crm: string }[] } }[] } };

/** A loopback port nothing listens on (taken, then released): connections to it are refused. */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

const hubspotFields = async (t: TestApp) => ((await t.gql<{ __type: { fields: { name: string }[] } | null }>('{ __type(name: "HubSpotContact") { fields { name } } }')).data?.__type?.fields ?? []).map((f) => f.name);
const connector = async (t: TestApp, id: string) => {
  const res = await t.gql<Connectors>(CONNECTORS);
  expect(res.errors).toBeUndefined();
  return res.data!.connectors.find((c) => c.id === id);
};

describe('a CRM that cannot be reached at start', () => {
  const seed = generateDemoSeed({ customers: 30 });
  let salesforce: SalesforceSandbox;
  let hubspot: RunningHubSpotSandbox | undefined;
  let hubspotPort: number;
  let t: TestApp;
  beforeAll(async () => {
    salesforce = await startSalesforceSandbox({ port: 0, demoSeed: seed.salesforce });
    hubspotPort = await closedPort();
    t = await startTestApp({
      demo: false,
      env: {
        SALESFORCE_LOGIN_URL: salesforce.url, SALESFORCE_CLIENT_ID: DEFAULT_CLIENT_ID, SALESFORCE_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
        HUBSPOT_ACCESS_TOKEN: 'sandbox-token', HUBSPOT_BASE_URL: `http://127.0.0.1:${hubspotPort}`,
        // Short, so the test sees a few retries fail before the CRM comes up (production: 5 s doubling to 5 min).
        CUSTOMER_GRAPH_CRM_RETRY_MS: '200', CUSTOMER_GRAPH_CRM_RETRY_MAX_MS: '1000',
      },
    });
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    await Promise.allSettled([salesforce?.close(), hubspot?.close()]);
  });

  it('starts with the others: Salesforce customers are served, HubSpot types are not', async () => {
    const res = await t.gql<Sources>(SOURCES);
    expect(res.errors).toBeUndefined();
    const seen = res.data!.customers.edges.map((e) => new Set(e.node.sources.map((s) => s.crm)));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((crms) => crms.size === 1 && crms.has('salesforce'))).toBe(true);
    expect(await hubspotFields(t)).not.toContain('email');
  });

  it('shows the unreachable connector as down, saying what to do and that it is retried', async () => {
    const hub = await connector(t, 'hubspot');
    expect(hub).toMatchObject({ status: 'unavailable', running: false });
    expect(hub!.statusReason).toContain('CRM_UNAVAILABLE');
    expect(hub!.statusReason).toContain(`127.0.0.1:${hubspotPort}`);
    expect(hub!.statusReason).toMatch(/credentials/);
    expect(hub!.statusReason).toMatch(/tried again in the background/);
    expect(t.app.unavailableCrms().map((d) => d.id)).toEqual(['hubspot']);
    expect(await connector(t, 'salesforce')).toMatchObject({ status: 'active', running: true });
  });

  it('does not count the golden types HubSpot feeds as read with the mapping in force: nothing of HubSpot was read', async () => {
    const res = await t.gql<{ storedRecordsFreshness: { goldenType: string; followsMappingVersion: number | null; stale: boolean }[] }>(FRESHNESS);
    expect(res.errors).toBeUndefined();
    expect(res.data!.storedRecordsFreshness.find((f) => f.goldenType === 'Customer')).toMatchObject({ followsMappingVersion: null, stale: true });
  });

  it('joins the running graph when the CRM answers, without a restart: its types, its records linked', async () => {
    // Retries have failed meanwhile (several at 200 ms, doubling): the CRM comes up now, at the address stored.
    await new Promise((r) => setTimeout(r, 700));
    expect((await connector(t, 'hubspot'))?.running).toBe(false);
    hubspot = await startHubSpotSandbox({ port: hubspotPort, demoSeed: seed.hubspot });
    await expect.poll(async () => (await connector(t, 'hubspot'))?.running, { timeout: 30_000, interval: 200 }).toBe(true);
    // The status is stored just after the join (cli/crm-retry.ts joined()): running may be seen a moment before it.
    await expect.poll(async () => (await connector(t, 'hubspot'))?.status, { timeout: 10_000, interval: 100 }).toBe('active');
    expect(await connector(t, 'hubspot')).toMatchObject({ status: 'active', statusReason: null });
    expect(await hubspotFields(t)).toEqual(expect.arrayContaining(['email', 'phone', 'jobtitle']));
    const page = await t.gql<{ hubSpotContacts: { edges: { node: { id: string } }[] } | null }>('{ hubSpotContacts(first: 3) { edges { node { id } } } }');
    expect(page.errors).toBeUndefined();
    expect(page.data!.hubSpotContacts!.edges.length).toBeGreaterThan(0);
    // Linking runs in the background: golden customers come to merge both CRMs.
    await expect.poll(async () => {
      const res = await t.gql<Sources>(SOURCES);
      return res.data!.customers.edges.filter((e) => e.node.sources.some((s) => s.crm === 'hubspot') && e.node.sources.some((s) => s.crm === 'salesforce')).length;
    }, { timeout: 60_000, interval: 500 }).toBeGreaterThan(0);
    expect(t.app.unavailableCrms()).toEqual([]);
    // The join's link run read HubSpot's objects (never read before) with the mapping in force: Customer follows it now.
    await expect.poll(async () => (await t.gql<{ storedRecordsFreshness: { goldenType: string; stale: boolean }[] }>(FRESHNESS)).data!.storedRecordsFreshness
      .find((f) => f.goldenType === 'Customer')?.stale, { timeout: 30_000, interval: 500 }).toBe(false);
  });
});

describe('no CRM can be reached at start', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    port = await closedPort();
    t = await startTestApp({ demo: false, env: { HUBSPOT_ACCESS_TOKEN: 'sandbox-token', HUBSPOT_BASE_URL: `http://127.0.0.1:${port}`, CUSTOMER_GRAPH_CRM_RETRY_MS: '60000' } });
  }, 240_000);
  afterAll(async () => t?.close());

  it('still starts, serving the admin API (where the connection is fixed) and an empty customer list', async () => {
    expect(await connector(t, 'hubspot')).toMatchObject({ status: 'unavailable', running: false });
    const res = await t.gql<Sources>(SOURCES);
    expect(res.errors).toBeUndefined();
    expect(res.data!.customers.edges).toEqual([]);
    // Disabling it (the admin's way out) works and stops the retries.
    const off = await t.gql('mutation { setConnectorEnabled(id: "hubspot", enabled: false) { restartReason } }');
    expect(off.errors).toBeUndefined();
    expect(await connector(t, 'hubspot')).toMatchObject({ status: 'disabled' });
  });
});

describe('a CRM that refuses the credentials at start', () => {
  let hubspot: RunningHubSpotSandbox;
  let t: TestApp;
  beforeAll(async () => {
    hubspot = await startHubSpotSandbox({ port: 0, demoSeed: generateDemoSeed({ customers: 10 }).hubspot });
    t = await startTestApp({ demo: false, env: { HUBSPOT_ACCESS_TOKEN: 'revoked-token', HUBSPOT_BASE_URL: hubspot.url, CUSTOMER_GRAPH_CRM_RETRY_MS: '60000' } });
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    await hubspot?.close();
  });

  it('starts, shows it as needing new credentials, and joins once working ones are saved', async () => {
    const hub = await connector(t, 'hubspot');
    expect(hub).toMatchObject({ status: 'needs_reauthorisation', running: false });
    expect(hub!.statusReason).toContain('CRM_AUTH_FAILED');
    expect(hub!.statusReason).toMatch(/new credentials/);
    const save = await t.gql<{ saveConnector: { applied: boolean } }>('mutation($input: SaveConnectorInput!) { saveConnector(input: $input) { applied } }', {
      input: { id: 'hubspot', crm: 'hubspot', name: 'HubSpot', baseUrl: hubspot.url, authKind: 'static', credentials: [{ name: 'accessToken', value: 'sandbox-token' }] },
    });
    expect(save.errors).toBeUndefined();
    expect(save.data!.saveConnector.applied).toBe(true);
    expect(await connector(t, 'hubspot')).toMatchObject({ status: 'active', statusReason: null, running: true });
    expect(await hubspotFields(t)).toContain('email');
    expect(t.app.unavailableCrms()).toEqual([]);
  });
});
