/**
 * The embedded demo as `npm start` runs it: Salesforce, HubSpot and a Pipedrive sales division, three sandboxes in
 * one child process, three demo connectors. One golden customer is merged from all three CRMs, with provenance
 * naming each, and the Pipedrive connector shows on the admin API like the others. A "Job title" field an admin adds
 * in Pipedrive is proposed for the golden title by mappingSuggestions, and accepting the proposal makes the golden
 * title read Pipedrive too. (The rest of the suite runs the demo with CUSTOMER_GRAPH_DEMO_PIPEDRIVE_PORT=off: it was
 * written for two CRMs.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

type Source = { crm: string; objectType: string; recordId: string };
type Node = { id: string; email: string | null; sources: Source[] };

describe('the demo with three CRMs', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Metadata re-read every second: a field added in Pipedrive joins its native type soon after.
    t = await startTestApp({ env: { CUSTOMER_GRAPH_DEMO_PIPEDRIVE_PORT: '0' }, config: { CUSTOMER_GRAPH_METADATA_REFRESH_MS: '1000' } });
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

  it('joins every Pipedrive organization to the company Salesforce or HubSpot holds under that name (Pipedrive knows no domain)', async () => {
    const res = await t.gql<{ companies: { edges: { node: { id: string; name: string; domain: string | null; sources: Source[] } }[] } }>(
      '{ companies(first: 500) { edges { node { id name domain sources { crm objectType recordId } } } } }');
    expect(res.errors).toBeUndefined();
    const withPipedrive = res.data!.companies.edges.map((e) => e.node).filter((c) => c.sources.some((s) => s.crm === 'pipedrive'));
    expect(withPipedrive.length).toBe(15);
    for (const c of withPipedrive) {
      expect(c.sources.filter((s) => s.crm === 'pipedrive')).toHaveLength(1);
      expect(c.sources.some((s) => s.crm !== 'pipedrive'), `${c.name} has only its Pipedrive organization`).toBe(true);
      expect(c.domain).toBeTruthy();
    }
  });

  it('serves Pipedrive organizations and deals in the graph too', async () => {
    const res = await t.gql<{ pipedriveOrganizations: { edges: unknown[] }; pipedriveDeals: { edges: { node: { title: string; value: number } }[] } }>(
      '{ pipedriveOrganizations(first: 5) { edges { node { id name } } } pipedriveDeals(first: 5) { edges { node { id title value } } } }');
    expect(res.errors).toBeUndefined();
    expect(res.data!.pipedriveOrganizations.edges.length).toBeGreaterThan(0);
    expect(res.data!.pipedriveDeals.edges[0]!.node.title).toMatch(/ - /);
  });

  it('proposes a new Pipedrive "Job title" field for the golden title, and the accepted proposal feeds the merge', async () => {
    const created = await fetch(`${t.pipedriveUrl}/api/v1/personFields`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-token': 'sandbox-pipedrive-token' },
      body: JSON.stringify({ name: 'Job title', field_type: 'varchar' }),
    });
    expect(created.status).toBe(201);
    const key = ((await created.json()) as { data: { key: string } }).data.key;
    type Field = { field: string; mappedFrom: string[]; proposed: { nativeField: string; nativeLabel: string | null; mapping: string } | null };
    const suggest = async () => (await t.gql<{ mappingSuggestions: { objectType: string; fields: Field[] } }>(
      'query { mappingSuggestions(type: "Customer", crm: "pipedrive") { objectType fields { field mappedFrom proposed { nativeField nativeLabel mapping } } } }')).data?.mappingSuggestions;
    await expect.poll(async () => (await suggest())?.fields.find((f) => f.field === 'title')?.proposed?.nativeField, { timeout: 15_000, interval: 500 }).toBe(key);
    const s = (await suggest())!;
    expect(s.objectType).toBe('persons');
    expect(s.fields.find((f) => f.field === 'email')!.mappedFrom).toEqual(['email']);
    const title = s.fields.find((f) => f.field === 'title')!;
    expect(title.proposed!.nativeLabel).toBe('Job title');
    // The metadata refresh gives PipedrivePerson the new field, under a GraphQL-safe name (40 hex characters may start with a digit).
    const nativeFields = async () => ((await t.gql<{ __type: { fields: { name: string; description: string | null }[] } }>('{ __type(name: "PipedrivePerson") { fields { name description } } }')).data?.__type.fields ?? []);
    await expect.poll(async () => (await nativeFields()).find((f) => f.description?.startsWith('Job title'))?.name, { timeout: 15_000, interval: 500 }).toMatch(new RegExp(`${key}$`));

    // Give a Pipedrive person a title, accept the proposal, and the golden title has a Pipedrive candidate.
    const three = (await allCustomers()).find((c) => new Set(c.sources.map((x) => x.crm)).size === 3)!;
    const personId = three.sources.find((x) => x.crm === 'pipedrive')!.recordId;
    const patched = await fetch(`${t.pipedriveUrl}/api/v2/persons/${personId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'x-api-token': 'sandbox-pipedrive-token' },
      body: JSON.stringify({ custom_fields: { [key]: 'Head of Pipedrive Sales' } }),
    });
    expect(patched.status).toBe(200);
    const current = (await t.gql<{ mappingConfiguration: { version: number; document: string } }>('{ mappingConfiguration { version document } }')).data!.mappingConfiguration;
    const doc = JSON.parse(current.document) as { types: Record<string, { fields: Record<string, { mappings: unknown[] }> }> };
    doc.types.Customer!.fields.title!.mappings.push(JSON.parse(title.proposed!.mapping));
    const saved = await t.gql('mutation($d: String!, $v: Int) { saveMappingConfiguration(document: $d, expectedVersion: $v, comment: "Pipedrive job title") { version } }', { d: JSON.stringify(doc), v: current.version });
    expect(saved.errors).toBeUndefined();
    await expect.poll(async () => {
      const res = await t.gql<{ customer: { provenance: { candidates: { value: unknown; source: { crm: string } }[] }[] } }>(
        'query($id: ID!) { customer(id: $id) { provenance(fields: ["title"]) { candidates { value source { crm } } } } }', { id: three.id });
      return res.data?.customer.provenance[0]?.candidates.find((c) => c.source.crm === 'pipedrive')?.value;
    }, { timeout: 20_000, interval: 500 }).toBe('Head of Pipedrive Sales');
  }, 60_000);
});
