/**
 * A fifth CRM, Zoho CRM, in the running product: a Salesforce deployment (the demo off) gains a Zoho org through the
 * admin API, without a restart, as Dynamics 365 does in dynamics-join.test.ts. Its contacts merge into the golden
 * customers Salesforce holds (same email), a newer Zoho phone wins with provenance although Zoho writes its times in
 * the org's +05:30 offset, a change made in Zoho arrives by polling, a golden update is written back, a contact's
 * Account_Name lookup gives its golden company, and deal stages go both ways through the one Stage picklist. Everything
 * goes over HTTP to the Zoho sandbox, through the connector's own client (refresh-token OAuth, Zoho-oauthtoken).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoSeed } from '../../sandboxes/demo/index.ts';
import type { SalesforceContact } from '../../sandboxes/demo/index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { startZohoSandbox } from '../../sandboxes/zoho/index.ts';
import type { RunningZohoSandbox } from '../../sandboxes/zoho/index.ts';
import { startTestApp } from '../support/test-app.ts';
import { crmJoin } from './support/crm-join.ts';
import type { TestApp } from '../support/test-app.ts';

const POLL_MS = 1_000;
const DEALS = `{ deals(first: 200) { edges { node { id name stage sources { crm recordId } provenance(fields: ["stage"]) { rule source { crm recordId } } } } } }`;
type Deal = { id: string; name: string; stage: string | null; sources: { crm: string; recordId: string }[]; provenance: { rule: string; source: { crm: string; recordId: string } | null }[] };

const zid = (n: number) => `5725767000000${String(n).padStart(6, '0')}`;
const ONLY_HERE = zid(901);
/**
 * Zoho answers in the org's offset: 14:30 at +05:30 is 09:00 UTC on 20 November 2026, after every demo record, and in
 * the past, as every modification time is: Zoho's change feed is read by time, so a future time would hold its cursor.
 */
const LATER = '2026-11-20T14:30:00+05:30';

/** A person only Zoho knows, at the account only Zoho knows: its golden company comes from Account_Name. */
const ZOHO_ONLY = { id: zid(506), First_Name: 'Zia', Last_Name: 'Zoho', Email: 'zia@zoho-only.test', Account_Name: { id: ONLY_HERE }, Created_Time: LATER, Modified_Time: LATER };

/** Zoho contacts for the first Salesforce contacts: the same people (same email), another phone, edited later. */
const contactsFor = (contacts: readonly SalesforceContact[]) => contacts.map((c, i) => ({
  id: zid(501 + i), First_Name: c.FirstName, Last_Name: c.LastName, Email: c.Email, Phone: `+91 80 4000 02${String(10 + i)}`, Created_Time: LATER, Modified_Time: LATER,
}));

const DEAL_OPEN = { id: zid(701), Deal_Name: 'Zoho channel renewal', Stage: 'Identify Decision Makers', Amount: 12_000, Closing_Date: '2030-03-31', Account_Name: { id: ONLY_HERE } };
const DEAL_LOST = { id: zid(702), Deal_Name: 'Zoho channel pilot', Stage: 'Closed Lost to Competition', Amount: 3_000, Closing_Date: '2029-12-31', Account_Name: { id: ONLY_HERE } };

describe('Zoho CRM joins a running deployment', () => {
  let salesforce: SalesforceSandbox;
  let zoho: RunningZohoSandbox;
  let t: TestApp;
  let contacts: SalesforceContact[];
  beforeAll(async () => {
    const seed = generateDemoSeed({ customers: 30 });
    contacts = seed.salesforce.Contact.filter((c) => c.Email).slice(0, 5);
    salesforce = await startSalesforceSandbox({ port: 0, demoSeed: seed.salesforce });
    zoho = await startZohoSandbox({ port: 0, seed: {
      Contacts: [...contactsFor(contacts), ZOHO_ONLY],
      Accounts: [{ id: ONLY_HERE, Account_Name: 'Zoho-only Pvt Ltd', Created_Time: LATER, Modified_Time: LATER }],
      Deals: [{ ...DEAL_OPEN, Created_Time: LATER, Modified_Time: LATER }, { ...DEAL_LOST, Created_Time: LATER, Modified_Time: LATER }],
    } });
    t = await startTestApp({
      demo: false,
      env: { SALESFORCE_LOGIN_URL: salesforce.url, SALESFORCE_CLIENT_ID: DEFAULT_CLIENT_ID, SALESFORCE_CLIENT_SECRET: DEFAULT_CLIENT_SECRET, CUSTOMER_GRAPH_POLL_INTERVAL_MS: String(POLL_MS) },
    });
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    await Promise.allSettled([salesforce?.close(), zoho?.close()]);
  });

  const input = (refreshToken: string) => ({
    id: 'zoho-channel', crm: 'zoho', name: 'Zoho CRM (partner channel)', baseUrl: zoho.url, authKind: 'refresh-token',
    credentials: [{ name: 'clientId', value: zoho.clientId }, { name: 'clientSecret', value: zoho.clientSecret }, { name: 'refreshToken', value: refreshToken }],
  });
  const join = crmJoin(() => t, 'zoho');
  const deal = async (id: string) => {
    const res = await t.gql<{ deals: { edges: { node: Deal }[] } }>(DEALS);
    expect(res.errors).toBeUndefined();
    return res.data!.deals.edges.map((e) => e.node).find((d) => d.sources.some((s) => s.crm === 'zoho' && s.recordId === id));
  };

  it('is offered as a connector kind, and an unknown refresh token is refused with the CRM code, storing nothing', async () => {
    await join.expectRefused(input('1000.not-the-refresh-token'), ['refresh-token'], '1000.not-the-refresh-token');
  });

  it('starts at once: Zoho types in the graph, its contacts merged into the Salesforce customers they match', async () => {
    await join.expectJoined(input(zoho.refreshToken));
    const page = await t.gql<{ zohoContacts: { edges: { node: { id: string; Email: string } }[] } }>('{ zohoContacts(first: 10) { edges { node { id Email } } } }');
    expect(page.errors).toBeUndefined();
    expect(page.data!.zohoContacts.edges.map((e) => e.node.id).sort()).toEqual([501, 502, 503, 504, 505, 506].map(zid));
    await join.expectMergedWithSalesforce(contacts.map((c, i) => ({ salesforceId: c.Id, recordId: zid(501 + i) })), 6);
  }, 120_000);

  it('merges field by field: the newer Zoho phone wins, its offset read right, and provenance says so', async () => {
    const c = await join.customer((await join.withRecord(zid(501)))!.id);
    expect(c.email?.toLowerCase()).toBe(contacts[0]!.Email!.toLowerCase());
    expect(c.phone).toBe('+918040000210');
    expect(c.provenance[0]).toMatchObject({ field: 'phone', rule: 'last-write-wins', source: { crm: 'zoho', recordId: zid(501) } });
  });

  it('a contact\'s Account_Name lookup gives its golden company', async () => {
    const node = (await join.withRecord(zid(506)))!;
    expect(node.sources).toEqual([{ crm: 'zoho', recordId: zid(506) }]);
    expect((await join.customer(node.id)).company?.name).toBe('Zoho-only Pvt Ltd');
  });

  it('a change made in Zoho reaches the golden snapshot by polling (queries read Zoho live; the list filter reads the snapshot)', async () => {
    await join.expectChangeArrives(zid(502), async () => {
      const put = await fetch(`${zoho.apiUrl}/Contacts`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Zoho-oauthtoken ${await tokenOf(zoho)}` },
        body: JSON.stringify({ data: [{ id: zid(502), Phone: '+91 80 4000 0299', First_Name: 'Zebedee' }], trigger: [] }),
      });
      expect(put.status).toBe(200);
    }, '+918040000299', 'Zebedee');
  }, 90_000);

  it('a golden update is written back to the Zoho contact', async () => {
    await join.expectWrittenBack(zid(503), () => zoho.store.get('Contacts', zid(503))?.First_Name);
  }, 60_000);

  it('Zoho-only deals get a golden stage from the Stage picklist, a loss to competition read as Closed Lost', async () => {
    await expect.poll(async () => (await deal(zid(701)))?.stage, { timeout: 30_000, interval: 500 }).toBe('Id. Decision Makers');
    const open = (await deal(zid(701)))!;
    expect(open.provenance[0]).toMatchObject({ source: { crm: 'zoho', recordId: zid(701) } });
    expect((await deal(zid(702)))?.stage).toBe('Closed Lost');
  }, 60_000);

  it('a golden stage is written back as the Zoho stage: Prospecting as its first stage, a loss as the plain Closed Lost', async () => {
    const update = async (id: string, stage: string) => {
      const res = await t.gql<{ updateDeal: { enqueued: number } }>('mutation($id: ID!, $stage: String) { updateDeal(id: $id, input: { stage: $stage }) { enqueued } }', { id, stage });
      expect(res.errors).toBeUndefined();
      expect(res.data!.updateDeal.enqueued).toBe(1);
    };
    await update((await deal(zid(701)))!.id, 'Prospecting');
    await expect.poll(() => zoho.store.get('Deals', zid(701))?.Stage, { timeout: 30_000, interval: 250 }).toBe('Qualification');
    await update((await deal(zid(701)))!.id, 'Closed Lost');
    await expect.poll(() => zoho.store.get('Deals', zid(701))?.Stage, { timeout: 30_000, interval: 250 }).toBe('Closed Lost');
  }, 90_000);
});

async function tokenOf(sandbox: RunningZohoSandbox): Promise<string> {
  const res = await fetch(sandbox.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', client_id: sandbox.clientId, client_secret: sandbox.clientSecret, refresh_token: sandbox.refreshToken }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}
