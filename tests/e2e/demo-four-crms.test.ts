/**
 * The embedded demo as `npm start` runs it with all four CRMs: Salesforce, HubSpot, a Pipedrive sales division and a
 * Dynamics 365 service division, four sandboxes in one child process, four demo connectors. The Dynamics sandbox is
 * seeded with the demo's service division, its native types answer in the graph, every Dynamics contact joins the
 * customer the other CRMs hold for the same work email, some golden customers are merged from all four CRMs, and a
 * value Dynamics wins (its record edited last) shows provenance naming Dynamics. (The rest of the suite runs the demo
 * with Pipedrive and Dynamics off: it was written for two CRMs.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

type Source = { crm: string; objectType: string; recordId: string };
type Provenance = { field: string; value: unknown; rule: string; source: { crm: string; recordId: string } | null; candidates: { source: { crm: string } }[] };
type Node = { id: string; email: string | null; sources: Source[]; provenance: Provenance[] };
const CRMS = ['dynamics', 'hubspot', 'pipedrive', 'salesforce'];
const crmsOf = (c: { sources: Source[] }) => new Set(c.sources.map((s) => s.crm));

describe('the demo with four CRMs', () => {
  let t: TestApp;
  let customers: Node[];
  beforeAll(async () => {
    t = await startTestApp({ env: { CUSTOMER_GRAPH_DEMO_PIPEDRIVE_PORT: '0', CUSTOMER_GRAPH_DEMO_DYNAMICS_PORT: '0' } });
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

  it('runs a Dynamics 365 demo connector beside Salesforce, HubSpot and Pipedrive', async () => {
    expect(t.dynamicsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await t.gql<{ connectors: { id: string; crm: string; name: string; running: boolean }[] }>('{ connectors { id crm name running } }');
    expect(res.errors).toBeUndefined();
    expect(res.data!.connectors.filter((c) => c.running).map((c) => c.crm).sort()).toEqual(CRMS);
    expect(res.data!.connectors.find((c) => c.crm === 'dynamics')).toMatchObject({ id: 'dynamics-demo', name: 'Dynamics 365 (sandbox)' });
  });

  it('serves the seeded service division: Dynamics contacts, accounts and opportunities in the graph', async () => {
    const res = await t.gql<{ dynamicsContacts: { edges: { node: { id: string; emailaddress1: string | null } }[] }; dynamicsAccounts: { edges: unknown[] }; dynamicsOpportunities: { edges: { node: { name: string; estimatedvalue: number } }[] } }>(
      '{ dynamicsContacts(first: 500) { edges { node { id emailaddress1 } } } dynamicsAccounts(first: 500) { edges { node { id name } } } dynamicsOpportunities(first: 500) { edges { node { id name estimatedvalue } } } }');
    expect(res.errors).toBeUndefined();
    // The default demo set (sandboxes/demo/README.md): 92 contacts, 30 accounts, 21 opportunities.
    expect(res.data!.dynamicsContacts.edges).toHaveLength(92);
    expect(res.data!.dynamicsAccounts.edges).toHaveLength(30);
    expect(res.data!.dynamicsOpportunities.edges).toHaveLength(21);
    expect(res.data!.dynamicsOpportunities.edges[0]!.node.name).toMatch(/ - /);
    expect(res.data!.dynamicsContacts.edges.every((e) => e.node.emailaddress1?.includes('@'))).toBe(true);
  });

  it('links every Dynamics contact to the customer other CRMs hold, and merges some customers from all four CRMs', () => {
    const withDynamics = customers.filter((c) => c.sources.some((s) => s.crm === 'dynamics'));
    expect(withDynamics).toHaveLength(92);
    expect(withDynamics.every((c) => c.sources.filter((s) => s.crm === 'dynamics').length === 1)).toBe(true);
    // The demo's Dynamics people are all people Salesforce or HubSpot hold: none is a customer of its own.
    expect(withDynamics.every((c) => c.sources.some((s) => s.crm === 'salesforce' || s.crm === 'hubspot'))).toBe(true);
    const four = customers.filter((c) => crmsOf(c).size === 4);
    expect(four.length).toBeGreaterThanOrEqual(10);
    for (const c of four) expect([...crmsOf(c)].sort()).toEqual(CRMS);
  });

  it('merges one customer from all four CRMs: the phone has a candidate from each, compared as one E.164 number', async () => {
    const four = customers.find((c) => crmsOf(c).size === 4 && c.provenance.find((p) => p.field === 'phone')?.candidates.length === 4)!;
    expect(four).toBeDefined();
    const res = await t.gql<{ customer: { phone: string | null; provenance: Provenance[] } }>(
      'query($id: ID!) { customer(id: $id) { phone provenance(fields: ["phone"]) { field value rule source { crm recordId } candidates { source { crm } } } } }', { id: four.id });
    expect(res.errors).toBeUndefined();
    const phone = res.data!.customer.provenance[0]!;
    expect(new Set(phone.candidates.map((c) => c.source.crm))).toEqual(new Set(CRMS));
    expect(res.data!.customer.phone).toMatch(/^\+\d{8,15}$/);
  });

  it('a value Dynamics wins shows provenance naming Dynamics and its contact', async () => {
    // Last-write-wins: the phone of a person whose Dynamics contact was edited after the other CRMs' records.
    const won = customers.filter((c) => c.provenance.some((p) => p.field === 'phone' && p.source?.crm === 'dynamics'));
    expect(won.length).toBeGreaterThan(0);
    const fourWon = customers.filter((c) => crmsOf(c).size === 4 && c.provenance.some((p) => p.source?.crm === 'dynamics'));
    expect(fourWon.length).toBeGreaterThan(0);
    const pick = won[0]!;
    const contactId = pick.sources.find((s) => s.crm === 'dynamics')!.recordId;
    const res = await t.gql<{ customer: { phone: string; provenance: Provenance[] } }>(
      'query($id: ID!) { customer(id: $id) { phone provenance(fields: ["phone"]) { field value rule source { crm recordId } } } }', { id: pick.id });
    expect(res.errors).toBeUndefined();
    expect(res.data!.customer.provenance[0]).toMatchObject({ field: 'phone', rule: 'last-write-wins', source: { crm: 'dynamics', recordId: contactId } });
    expect(res.data!.customer.phone).toBe(res.data!.customer.provenance[0]!.value);
  });

  it('joins Dynamics accounts to the golden companies the other CRMs hold', async () => {
    const res = await t.gql<{ companies: { edges: { node: { id: string; name: string; sources: Source[] } }[] } }>(
      '{ companies(first: 500) { edges { node { id name sources { crm objectType recordId } } } } }');
    expect(res.errors).toBeUndefined();
    const withDynamics = res.data!.companies.edges.map((e) => e.node).filter((c) => c.sources.some((s) => s.crm === 'dynamics'));
    expect(withDynamics).toHaveLength(30);
    expect(withDynamics.filter((c) => c.sources.some((s) => s.crm !== 'dynamics')).length).toBeGreaterThan(0);
  });
});
