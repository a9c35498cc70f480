/**
 * Issue 5's promises, end to end on the demo: the sandboxes seeded with overlapping customers, the real connectors,
 * native subgraphs, identity, golden and the gateway — queried over HTTP like a frontend would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { countFetches } from '../support/query-plan-count.ts';
import { DEFAULT_MAPPING_CONFIG_INPUT } from '../../resolver-engine/index.ts';

interface Prov { field: string; value: string | null; rule: string; source: { crm: string; recordId: string } | null; unavailableSources?: { crm: string }[] }
interface Node { id: string; email: string; phone: string | null; title: string | null; emailOptOut: boolean | null; sources: { crm: string; objectType: string; recordId: string }[]; provenance: Prov[] }

const CUSTOMER_FIELDS = 'id email phone title emailOptOut sources { crm objectType recordId } provenance { field value rule source { crm recordId } unavailableSources { crm } }';

async function sandboxCall(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function salesforceToken(base: string): Promise<string> {
  const res = await fetch(`${base}/services/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=customer-graph&client_secret=sandbox' });
  return ((await res.json()) as { access_token: string }).access_token;
}

describe('golden Customer merged at query time (demo)', () => {
  let t: TestApp;
  let both: Node;
  let sfToken: string;
  const hs = (method: string, path: string, body?: unknown) => sandboxCall(t.hubspotUrl, method, path, body, { authorization: 'Bearer sandbox-token' });
  const sf = (method: string, path: string, body?: unknown) => sandboxCall(t.salesforceUrl, method, `/services/data/v60.0${path}`, body, { authorization: `Bearer ${sfToken}` });
  const customer = async (id: string) => (await t.gql<{ customer: Node }>(`query($id: ID!) { customer(id: $id) { ${CUSTOMER_FIELDS} } }`, { id })).data!.customer;
  const prov = (n: Node, field: string) => n.provenance.find((p) => p.field === field)!;

  beforeAll(async () => {
    t = await startTestApp();
    sfToken = await salesforceToken(t.salesforceUrl);
    const page = await t.gql<{ customers: { edges: { node: Node }[] } }>(`{ customers(first: 100) { edges { node { ${CUSTOMER_FIELDS} } } } }`);
    both = page.data!.customers.edges.map((e) => e.node).find((n) => n.sources.some((s) => s.crm === 'salesforce') && n.sources.some((s) => s.crm === 'hubspot'))!;
    expect(both).toBeDefined();
  }, 240_000);
  afterAll(async () => t?.close());

  it('costs one upstream call per CRM sandbox for customers(first: 100), with one golden fetch in the plan', async () => {
    await Promise.all([t.salesforceUrl, t.hubspotUrl].map((u) => fetch(`${u}/_sandbox/stats/reset`, { method: 'POST' })));
    const query = '{ customers(first: 100) { edges { node { email phone title provenance { field rule source { crm } } } } } }';
    const body = await t.gql<{ customers: { edges: unknown[] } }>(query);
    expect(body.errors).toBeUndefined();
    expect(body.data!.customers.edges).toHaveLength(100);
    const sfStats = (await (await fetch(`${t.salesforceUrl}/_sandbox/stats`)).json()) as { total: number };
    const hsStats = (await (await fetch(`${t.hubspotUrl}/_sandbox/stats`)).json()) as { total: number };
    // One batched read per CRM and page of records: Salesforce reads up to 300 ids per query (SOQL length), HubSpot 100 per batch read.
    const linked = await t.gql<{ customers: { edges: { node: { sources: { crm: string }[] } }[] } }>('{ customers(first: 100) { edges { node { sources { crm } } } } }');
    const count = (crm: string) => linked.data!.customers.edges.flatMap((e) => e.node.sources).filter((s) => s.crm === crm).length;
    expect(sfStats.total).toBe(Math.ceil(count('salesforce') / 300));
    expect(hsStats.total).toBe(Math.ceil(count('hubspot') / 100));
    const fetches = countFetches(t.app.gateway.supergraphSdl(), query);
    expect(fetches.golden).toBe(1);
    expect(fetches.salesforce).toBe(1);
    expect(fetches.hubspot).toBe(1);
  });

  it('last write wins: a newer phone in either CRM becomes the golden phone', async () => {
    const hsId = both.sources.find((s) => s.crm === 'hubspot')!.recordId;
    const sfId = both.sources.find((s) => s.crm === 'salesforce')!.recordId;
    expect((await hs('PATCH', `/crm/v3/objects/contacts/${hsId}`, { properties: { phone: '+1 212 555 0199' } })).status).toBe(200);
    let merged = await customer(both.id);
    expect(merged.phone).toBe('+12125550199');
    expect(prov(merged, 'phone')).toMatchObject({ rule: 'last-write-wins', source: { crm: 'hubspot', recordId: hsId } });
    await new Promise((r) => setTimeout(r, 20));
    expect((await sf('PATCH', `/sobjects/Contact/${sfId}`, { Phone: '(646) 555-0142' })).status).toBe(204);
    merged = await customer(both.id);
    expect(merged.phone).toBe('+16465550142');
    expect(prov(merged, 'phone').source?.crm).toBe('salesforce');
  });

  it('source priority: a newer title in the lower-priority CRM does not change the winner', async () => {
    const hsId = both.sources.find((s) => s.crm === 'hubspot')!.recordId;
    const before = await customer(both.id);
    expect(prov(before, 'title').rule).toBe('source-priority');
    expect((await hs('PATCH', `/crm/v3/objects/contacts/${hsId}`, { properties: { jobtitle: 'Chief Everything Officer' } })).status).toBe(200);
    const after = await customer(both.id);
    expect(after.title).toBe(before.title);
    expect(after.title).not.toBe('Chief Everything Officer');
    expect(prov(after, 'title').source?.crm).toBe('salesforce');
  });

  it('per-field policy and a custom function: phone by last write, title by priority, opt-out by anyTrue', async () => {
    const sfId = both.sources.find((s) => s.crm === 'salesforce')!.recordId;
    expect((await sf('PATCH', `/sobjects/Contact/${sfId}`, { HasOptedOutOfEmail: true })).status).toBe(204);
    const merged = await customer(both.id);
    expect(prov(merged, 'phone').rule).toBe('last-write-wins');
    expect(prov(merged, 'title').rule).toBe('source-priority');
    expect(prov(merged, 'emailOptOut').rule).toMatch(/anyTrue/);
    expect(merged.emailOptOut).toBe(true);
  });

  it('answers null without an error for an unknown customer id, and BAD_USER_INPUT for a malformed filter', async () => {
    const unknown = await t.gql('{ customer(id: "cus_00000000000000000000000000") { id } }');
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data).toEqual({ customer: null });
    const bad = await t.gql('{ customers(first: 5, after: "not-a-cursor") { totalCount } }');
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('one CRM down: the other sources still answer, provenance names the unavailable source, the error says CRM_UNAVAILABLE', async () => {
    await fetch(`${t.hubspotUrl}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ kind: 'server-error', rate: 1 }]) });
    try {
      const body = await t.gql<{ customer: Node }>(`query($id: ID!) { customer(id: $id) { ${CUSTOMER_FIELDS} } }`, { id: both.id });
      expect(body.data?.customer?.email).toBeTruthy();
      expect(body.errors?.some((e) => e.extensions?.code === 'CRM_UNAVAILABLE')).toBe(true);
      const email = prov(body.data!.customer, 'email');
      expect(email.source?.crm).toBe('salesforce');
      expect(email.unavailableSources?.map((s) => s.crm)).toContain('hubspot');
    } finally {
      await fetch(`${t.hubspotUrl}/_sandbox/faults`, { method: 'DELETE' });
    }
  });

  it('rejects an invalid mapping with the field and reason, and keeps serving the last good version', async () => {
    const bad = structuredClone(DEFAULT_MAPPING_CONFIG_INPUT) as unknown as { types: { Customer: { fields: { title: { rule?: unknown } } } } };
    bad.types.Customer.fields.title.rule = { strategy: 'coin-toss' };
    await expect(t.app.applyMappingConfig(bad)).rejects.toMatchObject({ code: 'MAPPING_INVALID', message: expect.stringMatching(/title[\s\S]*coin-toss/) });
    const still = await customer(both.id);
    expect(prov(still, 'title').rule).toBe('source-priority');
  });

  it('hot-swaps a new mapping version with no dropped request', async () => {
    const next = structuredClone(DEFAULT_MAPPING_CONFIG_INPUT) as unknown as { types: { Customer: { fields: { title: { rule?: unknown } } } } };
    next.types.Customer.fields.title.rule = { strategy: 'last-write-wins' };
    const inFlight = Array.from({ length: 20 }, () => t.gql<{ customer: Node }>(`query($id: ID!) { customer(id: $id) { ${CUSTOMER_FIELDS} } }`, { id: both.id }));
    const version = await t.app.applyMappingConfig(next, { comment: 'title by recency' });
    const answers = await Promise.all(inFlight);
    for (const a of answers) {
      expect(a.errors).toBeUndefined();
      expect(a.data?.customer?.email).toBeTruthy();
    }
    expect(version).toBeGreaterThan(1);
    const after = await customer(both.id);
    expect(prov(after, 'title').rule).toBe('last-write-wins');
  });
});
