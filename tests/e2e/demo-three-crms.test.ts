/**
 * The embedded demo as `npm start` runs it: Salesforce, HubSpot and a Pipedrive sales division, three sandboxes in
 * one child process, three demo connectors. One golden customer is merged from all three CRMs, with provenance
 * naming each, and the Pipedrive connector shows on the admin API like the others. (The rest of the suite runs
 * the demo with CUSTOMER_GRAPH_DEMO_PIPEDRIVE_PORT=off: it was written for two CRMs.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

type Source = { crm: string; objectType: string; recordId: string };
type Node = { id: string; email: string | null; sources: Source[] };

describe('the demo with three CRMs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { CUSTOMER_GRAPH_DEMO_PIPEDRIVE_PORT: '0' } });
  }, 240_000);
  afterAll(async () => t?.close());

  const allCustomers = async () => {
    const nodes: Node[] = [];
    for (let after: string | null = null; ;) {
      const res: { data?: { customers: { edges: { node: Node }[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } } }; errors?: unknown[] } =
        await t.gql('query($after: String) { customers(first: 500, after: $after) { edges { node { id email sources { crm objectType recordId } } } pageInfo { endCursor hasNextPage } } }', { after });
      expect(res.errors).toBeUndefined();
      nodes.push(...res.data!.customers.edges.map((e) => e.node));
      if (!res.data!.customers.pageInfo.hasNextPage) return nodes;
      after = res.data!.customers.pageInfo.endCursor;
    }
  };

  it('runs a Pipedrive demo connector beside Salesforce and HubSpot', async () => {
    expect(t.pipedriveUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await t.gql<{ connectors: { id: string; crm: string; running: boolean }[] }>('{ connectors { id crm running } }');
    expect(res.errors).toBeUndefined();
    expect(res.data!.connectors.filter((c) => c.running).map((c) => c.crm).sort()).toEqual(['hubspot', 'pipedrive', 'salesforce']);
  });

  it('links every Pipedrive person to the customer other CRMs hold for the same work email', async () => {
    const persons = (await (await fetch(`${t.pipedriveUrl}/api/v2/persons?limit=500`, { headers: { 'x-api-token': 'sandbox-pipedrive-token' } })).json()) as { data: { id: number }[] };
    expect(persons.data.length).toBeGreaterThan(20);
    const customers = await allCustomers();
    const withPipedrive = customers.filter((c) => c.sources.some((s) => s.crm === 'pipedrive'));
    expect(withPipedrive.map((c) => c.sources.find((s) => s.crm === 'pipedrive')!.recordId).sort()).toEqual(persons.data.map((p) => String(p.id)).sort());
    // The demo's Pipedrive people are all people Salesforce or HubSpot hold: none is a customer of its own.
    expect(withPipedrive.every((c) => c.sources.some((s) => s.crm !== 'pipedrive'))).toBe(true);
    expect(withPipedrive.filter((c) => new Set(c.sources.map((s) => s.crm)).size === 3).length).toBeGreaterThan(0);
  });

  it('merges one customer from all three CRMs, with provenance naming the winning CRM per field', async () => {
    const three = (await allCustomers()).find((c) => new Set(c.sources.map((s) => s.crm)).size === 3)!;
    const res = await t.gql<{ customer: { email: string; phone: string | null; provenance: { field: string; source: { crm: string } | null; candidates: { source: { crm: string } }[] }[] } }>(
      'query($id: ID!) { customer(id: $id) { email phone provenance(fields: ["email", "phone", "firstName"]) { field source { crm } candidates { source { crm } } } } }', { id: three.id });
    expect(res.errors).toBeUndefined();
    const phone = res.data!.customer.provenance.find((p) => p.field === 'phone')!;
    expect(new Set(phone.candidates.map((c) => c.source.crm))).toEqual(new Set(['salesforce', 'hubspot', 'pipedrive']));
    expect(['salesforce', 'hubspot', 'pipedrive']).toContain(phone.source!.crm);
    // Phones in three formats compare as one number: the merged value is E.164.
    expect(res.data!.customer.phone).toMatch(/^\+\d{8,15}$/);
  });

  it('serves Pipedrive organizations and deals in the graph too', async () => {
    const res = await t.gql<{ pipedriveOrganizations: { edges: unknown[] }; pipedriveDeals: { edges: { node: { title: string; value: number } }[] } }>(
      '{ pipedriveOrganizations(first: 5) { edges { node { id name } } } pipedriveDeals(first: 5) { edges { node { id title value } } } }');
    expect(res.errors).toBeUndefined();
    expect(res.data!.pipedriveOrganizations.edges.length).toBeGreaterThan(0);
    expect(res.data!.pipedriveDeals.edges[0]!.node.title).toMatch(/ - /);
  });
});
