/**
 * A fourth CRM, Dynamics 365, in the running product: a Salesforce deployment (the demo off) gains a Dataverse org
 * through the admin API, without a restart, as Pipedrive does in pipedrive-join.test.ts. Its contacts merge into the
 * golden customers Salesforce already holds (same person, same email), its values take part in survivorship with
 * provenance naming Dynamics, a change made in Dynamics arrives by polling its change-tracking feed, a golden update
 * is written back to the Dynamics contact, and an account known by name joins its Salesforce account while a contact's
 * parentcustomerid gives its golden company. Everything goes over HTTP to the Dynamics sandbox, through the
 * connector's own client (Entra ID client credentials, OData, $batch).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoSeed } from '../../sandboxes/demo/index.ts';
import type { SalesforceContact } from '../../sandboxes/demo/index.ts';
import { startDynamicsSandbox } from '../../sandboxes/dynamics/index.ts';
import type { RunningDynamicsSandbox } from '../../sandboxes/dynamics/index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { startTestApp } from '../support/test-app.ts';
import { crmJoin } from './support/crm-join.ts';
import type { TestApp } from '../support/test-app.ts';

const POLL_MS = 1_000;

const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const ONLY_HERE = guid(901);
const NAMED_LIKE_SF = guid(902);

/** A person only Dynamics knows, at the account only Dynamics knows: its golden company comes from parentcustomerid. */
const DYNAMICS_ONLY = {
  contactid: guid(506), firstname: 'Dana', lastname: 'Dataverse', emailaddress1: 'dana@dataverse-only.test', _parentcustomerid_value: ONLY_HERE,
  createdon: '2030-01-01T09:00:00Z', modifiedon: '2030-01-01T09:00:00Z',
};

/** Dynamics contacts for the first Salesforce contacts: the same people (same email), another phone, edited later. */
function contactsFor(contacts: readonly SalesforceContact[]) {
  return contacts.map((c, i) => ({
    contactid: guid(501 + i),
    firstname: c.FirstName,
    lastname: c.LastName,
    emailaddress1: c.Email,
    telephone1: `+1 415 555 02${String(10 + i)}`,
    // After every demo record: Dynamics holds the newest phone, so last-write-wins picks it.
    createdon: '2030-01-01T09:00:00Z',
    modifiedon: '2030-01-01T09:00:00Z',
  }));
}

describe('Dynamics 365 joins a running deployment', () => {
  let salesforce: SalesforceSandbox;
  let dynamics: RunningDynamicsSandbox;
  let t: TestApp;
  let contacts: SalesforceContact[];
  let accountName: string;
  beforeAll(async () => {
    const seed = generateDemoSeed({ customers: 30 });
    contacts = seed.salesforce.Contact.filter((c) => c.Email).slice(0, 5);
    accountName = seed.salesforce.Account[0]!.Name;
    salesforce = await startSalesforceSandbox({ port: 0, demoSeed: seed.salesforce });
    dynamics = await startDynamicsSandbox({ port: 0, seed: {
      contacts: [...contactsFor(contacts), DYNAMICS_ONLY],
      accounts: [{ accountid: ONLY_HERE, name: 'Dataverse-only GmbH' }, { accountid: NAMED_LIKE_SF, name: `  ${accountName.toUpperCase()} ` }],
    } });
    t = await startTestApp({
      demo: false,
      env: { SALESFORCE_LOGIN_URL: salesforce.url, SALESFORCE_CLIENT_ID: DEFAULT_CLIENT_ID, SALESFORCE_CLIENT_SECRET: DEFAULT_CLIENT_SECRET, CUSTOMER_GRAPH_POLL_INTERVAL_MS: String(POLL_MS) },
    });
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    await Promise.allSettled([salesforce?.close(), dynamics?.close()]);
  });

  const input = (clientSecret: string) => ({
    id: 'dynamics-service', crm: 'dynamics', name: 'Dynamics 365 (service division)', baseUrl: dynamics.url, authKind: 'client-credentials',
    credentials: [{ name: 'tenantId', value: dynamics.tenantId }, { name: 'clientId', value: dynamics.clientId }, { name: 'clientSecret', value: clientSecret }],
  });
  const join = crmJoin(() => t, 'dynamics');

  it('is offered as a connector kind, and a wrong client secret is refused with the CRM code, storing nothing', async () => {
    await join.expectRefused(input('not-the-secret'), ['client-credentials'], 'not-the-secret');
  });

  it('starts at once: Dynamics types in the graph, its contacts merged into the Salesforce customers they match', async () => {
    await join.expectJoined(input(dynamics.clientSecret));
    const page = await t.gql<{ dynamicsContacts: { edges: { node: { id: string; emailaddress1: string; telephone1: string } }[] } }>('{ dynamicsContacts(first: 10) { edges { node { id emailaddress1 telephone1 } } } }');
    expect(page.errors).toBeUndefined();
    expect(page.data!.dynamicsContacts.edges.map((e) => e.node.id).sort()).toEqual([501, 502, 503, 504, 505, 506].map(guid));
    await join.expectMergedWithSalesforce(contacts.map((c, i) => ({ salesforceId: c.Id, recordId: guid(501 + i) })), 6);
  }, 120_000);

  it('merges field by field: the newer Dynamics phone wins, and provenance says so', async () => {
    const c = await join.customer((await join.withRecord(guid(501)))!.id);
    expect(c.email?.toLowerCase()).toBe(contacts[0]!.Email!.toLowerCase());
    expect(c.phone).toBe('+14155550210');
    expect(c.provenance[0]).toMatchObject({ field: 'phone', rule: 'last-write-wins', source: { crm: 'dynamics', recordId: guid(501) } });
  });

  it('a contact\'s parentcustomerid gives its golden company', async () => {
    const node = (await join.withRecord(guid(506)))!;
    expect(node.sources).toEqual([{ crm: 'dynamics', recordId: guid(506) }]);
    expect((await join.customer(node.id)).company?.name).toBe('Dataverse-only GmbH');
  });

  it('a change made in Dynamics reaches the golden snapshot by polling its change-tracking feed (queries read it live; the list filter reads the snapshot)', async () => {
    await join.expectChangeArrives(guid(502), async () => {
      const patched = await fetch(`${dynamics.apiUrl}contacts(${guid(502)})`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenOf(dynamics)}`, 'if-match': '*' },
        body: JSON.stringify({ telephone1: '+1 415 555 0299', firstname: 'Zebedee' }),
      });
      expect(patched.status).toBe(204);
    }, '+14155550299', 'Zebedee');
  }, 90_000);

  it('a golden update is written back to the Dynamics contact', async () => {
    await join.expectWrittenBack(guid(503), () => dynamics.store.get('contacts', guid(503))?.firstname);
  }, 60_000);

  it('joins the account named like a Salesforce account to it, and keeps the other one apart', async () => {
    const res = await t.gql<{ companies: { edges: { node: { name: string; sources: { crm: string; recordId: string }[] } }[] } }>('{ companies(first: 200) { edges { node { name sources { crm recordId } } } } }');
    expect(res.errors).toBeUndefined();
    const of = (recordId: string) => res.data!.companies.edges.map((e) => e.node).find((c) => c.sources.some((x) => x.crm === 'dynamics' && x.recordId === recordId))!;
    expect(of(NAMED_LIKE_SF).sources.map((x) => x.crm).sort()).toEqual(['dynamics', 'salesforce']);
    expect(of(ONLY_HERE).sources.map((x) => x.crm)).toEqual(['dynamics']);
  });
});

async function tokenOf(sandbox: RunningDynamicsSandbox): Promise<string> {
  const res = await fetch(sandbox.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: sandbox.clientId, client_secret: sandbox.clientSecret, scope: `${sandbox.url}/.default` }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}
