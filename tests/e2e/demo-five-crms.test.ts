/**
 * The embedded demo as `npm start` runs it with all five CRMs: Salesforce, HubSpot, a Pipedrive sales division, a
 * Dynamics 365 service division and a Zoho CRM partner channel, five sandboxes in one child process, five demo
 * connectors. The divisions' sandboxes are seeded with the demo's records, their native types answer in the graph,
 * every contact of theirs joins the customer the other CRMs hold for the same work email, some golden customers are
 * merged from all five CRMs, and a value a division wins (its record edited last) shows provenance naming it. (The
 * rest of the suite runs the demo with Pipedrive, Dynamics and Zoho off: it was written for two CRMs.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

type Source = { crm: string; objectType: string; recordId: string };
type Provenance = { field: string; value: unknown; rule: string; source: { crm: string; recordId: string } | null; candidates: { source: { crm: string } }[] };
type Node = { id: string; email: string | null; sources: Source[]; provenance: Provenance[] };
const CRMS = ['dynamics', 'hubspot', 'pipedrive', 'salesforce', 'zoho'];
const crmsOf = (c: { sources: Source[] }) => new Set(c.sources.map((s) => s.crm));

/** The two divisions whose records only the demo generator writes, with the default set's sizes (sandboxes/demo/README.md). */
const DIVISIONS = [
  {
    crm: 'dynamics', connector: 'Dynamics 365 (sandbox)', contacts: 92, accounts: 30, deals: 21,
    query: '{ contacts: dynamicsContacts(first: 500) { edges { node { id email: emailaddress1 } } } accounts: dynamicsAccounts(first: 500) { edges { node { id } } } deals: dynamicsOpportunities(first: 500) { edges { node { id name } } } }',
  },
  {
    crm: 'zoho', connector: 'Zoho CRM (sandbox)', contacts: 56, accounts: 20, deals: 15,
    query: '{ contacts: zohoContacts(first: 500) { edges { node { id email: Email } } } accounts: zohoAccounts(first: 500) { edges { node { id } } } deals: zohoDeals(first: 500) { edges { node { id name: Deal_Name } } } }',
  },
] as const;

describe('the demo with five CRMs', () => {
  let t: TestApp;
  let customers: Node[];
  beforeAll(async () => {
    t = await startTestApp({ env: { CUSTOMER_GRAPH_DEMO_PIPEDRIVE_PORT: '0', CUSTOMER_GRAPH_DEMO_DYNAMICS_PORT: '0', CUSTOMER_GRAPH_DEMO_ZOHO_PORT: '0' } });
    customers = [];
    for (let after: string | null = null; ;) {
      const res: { data?: { customers: { edges: { node: Node }[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } } }; errors?: unknown[] } = await t.gql(
        `query($after: String) { customers(first: 250, after: $after) { edges { node { id email sources { crm objectType recordId }
          provenance(fields: ["phone", "mobilePhone", "title", "firstName", "mailingStreet"]) { field value rule source { crm recordId } candidates { source { crm } } } } }
          pageInfo { endCursor hasNextPage } } }`, { after });
      expect(res.errors).toBeUndefined();
      customers.push(...res.data!.customers.edges.map((e) => e.node));
      if (!res.data!.customers.pageInfo.hasNextPage) break;
      after = res.data!.customers.pageInfo.endCursor;
    }
  }, 240_000);
  afterAll(async () => t?.close());

  it('runs Dynamics 365 and Zoho CRM demo connectors beside Salesforce, HubSpot and Pipedrive', async () => {
    expect(t.dynamicsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(t.zohoUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await t.gql<{ connectors: { id: string; crm: string; name: string; running: boolean }[] }>('{ connectors { id crm name running } }');
    expect(res.errors).toBeUndefined();
    expect(res.data!.connectors.filter((c) => c.running).map((c) => c.crm).sort()).toEqual(CRMS);
    for (const d of DIVISIONS) expect(res.data!.connectors.find((c) => c.crm === d.crm)).toMatchObject({ id: `${d.crm}-demo`, name: d.connector });
  });

  it.each(DIVISIONS)('serves the seeded $crm division: its contacts, accounts and deals in the graph', async (d) => {
    const res = await t.gql<{ contacts: { edges: { node: { id: string; email: string | null } }[] }; accounts: { edges: unknown[] }; deals: { edges: { node: { name: string } }[] } }>(d.query);
    expect(res.errors).toBeUndefined();
    expect(res.data!.contacts.edges).toHaveLength(d.contacts);
    expect(res.data!.accounts.edges).toHaveLength(d.accounts);
    expect(res.data!.deals.edges).toHaveLength(d.deals);
    expect(res.data!.deals.edges[0]!.node.name).toMatch(/ - /);
    expect(res.data!.contacts.edges.every((e) => e.node.email?.includes('@'))).toBe(true);
  });

  it.each(DIVISIONS)('links every $crm contact to the customer Salesforce or HubSpot holds', (d) => {
    const withDivision = customers.filter((c) => c.sources.some((s) => s.crm === d.crm));
    expect(withDivision).toHaveLength(d.contacts);
    expect(withDivision.every((c) => c.sources.filter((s) => s.crm === d.crm).length === 1)).toBe(true);
    // The divisions' people are all people Salesforce or HubSpot hold: none is a customer of its own.
    expect(withDivision.every((c) => c.sources.some((s) => s.crm === 'salesforce' || s.crm === 'hubspot'))).toBe(true);
  });

  it('merges some customers from all five CRMs: the phone has a candidate from each, compared as one E.164 number', async () => {
    const five = customers.filter((c) => crmsOf(c).size === 5);
    expect(five.length).toBeGreaterThanOrEqual(3);
    const withAll = five.find((c) => c.provenance.find((p) => p.field === 'phone')?.candidates.length === 5)!;
    expect(withAll).toBeDefined();
    const res = await t.gql<{ customer: { phone: string | null; provenance: Provenance[] } }>(
      'query($id: ID!) { customer(id: $id) { phone provenance(fields: ["phone"]) { field value rule source { crm recordId } candidates { source { crm } } } } }', { id: withAll.id });
    expect(res.errors).toBeUndefined();
    expect(new Set(res.data!.customer.provenance[0]!.candidates.map((c) => c.source.crm))).toEqual(new Set(CRMS));
    expect(res.data!.customer.phone).toMatch(/^\+\d{8,15}$/);
  });

  it.each(DIVISIONS)('a phone $crm wins shows provenance naming it and its contact', async (d) => {
    // Last-write-wins: the phone of a person whose division record was edited after the other CRMs' records.
    const won = customers.filter((c) => c.provenance.some((p) => p.field === 'phone' && p.source?.crm === d.crm));
    expect(won.length).toBeGreaterThan(0);
    const pick = won[0]!;
    const contactId = pick.sources.find((s) => s.crm === d.crm)!.recordId;
    const res = await t.gql<{ customer: { phone: string; provenance: Provenance[] } }>(
      'query($id: ID!) { customer(id: $id) { phone provenance(fields: ["phone"]) { field value rule source { crm recordId } } } }', { id: pick.id });
    expect(res.errors).toBeUndefined();
    expect(res.data!.customer.provenance[0]).toMatchObject({ field: 'phone', rule: 'last-write-wins', source: { crm: d.crm, recordId: contactId } });
    expect(res.data!.customer.phone).toBe(res.data!.customer.provenance[0]!.value);
  });

  it.each(DIVISIONS)('joins $crm accounts to the golden companies the other CRMs hold', async (d) => {
    const res = await t.gql<{ companies: { edges: { node: { id: string; name: string; sources: Source[] } }[] } }>(
      '{ companies(first: 500) { edges { node { id name sources { crm objectType recordId } } } } }');
    expect(res.errors).toBeUndefined();
    const withDivision = res.data!.companies.edges.map((e) => e.node).filter((c) => c.sources.some((s) => s.crm === d.crm));
    expect(withDivision).toHaveLength(d.accounts);
    expect(withDivision.filter((c) => c.sources.some((s) => s.crm !== d.crm)).length).toBeGreaterThan(0);
  });
});
