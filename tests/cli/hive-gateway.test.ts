/**
 * Issue 5's portability promise: the supergraph `customer-graph supergraph` exports runs on another federation
 * engine — Hive Gateway (`createGatewayRuntime`, the engine of `@graphql-hive/gateway`) — in front of the four
 * subgraphs served over HTTP the way `customer-graph subgraph` serves them, and answers with JSON identical to
 * our in-process gateway's for the same operations.
 *
 * Hive Gateway has two federation runtimes. With the Hive Router runtime (`--hive-router-runtime`, the Rust query
 * planner) every answer is identical. The default stitching runtime does not fetch the native fields that golden's
 * `@requires` selects through identity's link lists (`salesforceContacts { Email … }`: a nested requirement on
 * entities owned by a third subgraph), so golden fields come back null there; that gap is pinned below with
 * `it.fails`, so the day Hive fixes it this file says so (docs/federation-export.md).
 */
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSupergraph, subgraphsOf } from '../../cli/commands/supergraph.ts';
import { serveSubgraphHttp } from '../../subgraphs/native/serve-http.ts';
import type { ServedSubgraph } from '../../subgraphs/native/serve-http.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

type Body = { data?: Record<string, unknown> | null; errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[] };
type Hive = ReturnType<typeof createGatewayRuntime>;

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

const CUSTOMER_FIELDS = `id email firstName lastName phone title companyName
  sources { crm objectType recordId }
  provenance(fields: ["phone", "title"]) { field value rule source { crm recordId } }
  conflicts { field }`;

const CUSTOMERS = `{ customers(first: 20) { totalCount edges { node { ${CUSTOMER_FIELDS} } } } }`;
const CUSTOMER = `query One($id: ID!) { customer(id: $id) { ${CUSTOMER_FIELDS}
  allProvenance: provenance { field value rule source { crm objectType recordId } modifiedAt candidates { value source { crm recordId } modifiedAt } }
  salesforceContacts { Id Email Title } hubspotContacts { id email jobtitle } } }`;
const COMPANIES = `{ companies(first: 5) { totalCount pageInfo { hasNextPage endCursor }
  edges { cursor node { id name domain industry annualRevenue employees sources { crm recordId } provenance(fields: ["name"]) { field value rule source { crm } } conflicts { field } } } } }`;
const DEALS = `{ deals(first: 5) { totalCount edges { node { id name amount stage closeDate companyName sources { crm recordId } conflicts { field } } } } }`;

const NATIVE_ONLY = `{ customers(first: 20) { totalCount edges { node { id sources { crm objectType recordId }
  salesforceContacts { Id Email Title } hubspotContacts { id email jobtitle } } } } }`;

async function post(gateway: Hive, query: string, variables?: Record<string, unknown>): Promise<Body> {
  const res = await gateway.fetch('http://hive.local/graphql', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ query, variables }) });
  return (await res.json()) as Body;
}

describe('the exported supergraph on Hive Gateway', () => {
  let t: TestApp;
  let hive: Hive;
  let stitching: Hive;
  let supergraph: string;
  const served: ServedSubgraph[] = [];

  const onHive = (query: string, variables?: Record<string, unknown>) => post(hive, query, variables);
  const onBoth = async (query: string, variables?: Record<string, unknown>) => {
    const [ours, theirs] = await Promise.all([t.gql(query, variables) as Promise<Body>, onHive(query, variables)]);
    return { ours, theirs };
  };

  beforeAll(async () => {
    t = await startTestApp();
    const urls: Record<string, string> = {};
    for (const [name, subgraph] of subgraphsOf(t.app)) {
      const s = await serveSubgraphHttp(subgraph, { port: 0, logger: quiet });
      served.push(s);
      urls[name] = s.url;
    }
    supergraph = await exportSupergraph(t.app, urls);
    hive = createGatewayRuntime({ supergraph, logging: false, unifiedGraphHandler });
    stitching = createGatewayRuntime({ supergraph, logging: false });
  }, 180_000);

  afterAll(async () => {
    await hive?.[Symbol.asyncDispose]();
    await stitching?.[Symbol.asyncDispose]();
    for (const s of served) await s.close();
    await t?.close();
  });

  it('composes with the four subgraphs served over HTTP', () => {
    expect(served).toHaveLength(4);
    expect([...subgraphsOf(t.app).keys()].sort()).toEqual(['golden', 'hubspot', 'identity', 'salesforce']);
    for (const s of served) expect(supergraph).toContain(`url: "${s.url}"`);
  });

  it('answers a customers page with sources, provenance and conflicts exactly as our gateway does', async () => {
    const { ours, theirs } = await onBoth(CUSTOMERS);
    expect(ours.errors).toBeUndefined();
    const page = ours.data!.customers as { totalCount: number; edges: { node: { sources: unknown[]; provenance: unknown[] } }[] };
    expect(page.edges).toHaveLength(20);
    // Not a vacuous match: merged customers with provenance from both CRMs are in the page.
    expect(page.edges.some((e) => e.node.sources.length > 1)).toBe(true);
    expect(page.edges.every((e) => e.node.provenance.length === 2)).toBe(true);
    expect(theirs).toEqual(ours);
  });

  it('answers a customer lookup with full provenance, candidates and native records identically', async () => {
    const { ours: list } = await onBoth('{ customers(first: 50) { edges { node { id sources { crm } } } } }');
    const edges = (list.data!.customers as { edges: { node: { id: string; sources: { crm: string }[] } }[] }).edges;
    const both = edges.find((e) => new Set(e.node.sources.map((s) => s.crm)).size === 2)!.node;
    const { ours, theirs } = await onBoth(CUSTOMER, { id: both.id });
    expect(ours.errors).toBeUndefined();
    const c = ours.data!.customer as { salesforceContacts: unknown[]; hubspotContacts: unknown[]; allProvenance: { candidates: unknown[] }[] };
    expect(c.salesforceContacts.length).toBeGreaterThan(0);
    expect(c.hubspotContacts.length).toBeGreaterThan(0);
    expect(c.allProvenance.some((p) => p.candidates.length > 1)).toBe(true);
    expect(theirs).toEqual(ours);
  });

  it('answers companies and deals with golden fields identically', async () => {
    for (const query of [COMPANIES, DEALS]) {
      const { ours, theirs } = await onBoth(query);
      expect(ours.errors).toBeUndefined();
      const list = Object.values(ours.data!)[0] as { edges: unknown[] };
      expect(list.edges.length).toBeGreaterThan(0);
      expect(theirs).toEqual(ours);
    }
  });

  it('answers an unknown customer id with null and no error on both', async () => {
    const { ours, theirs } = await onBoth(CUSTOMER, { id: 'cus_00000000000000000000000000' });
    expect(ours).toEqual({ data: { customer: null } });
    expect(theirs).toEqual(ours);
  });

  it('reports a malformed paging argument as BAD_USER_INPUT on both', async () => {
    const { ours, theirs } = await onBoth('{ customers(first: 5, after: "not-a-cursor") { totalCount } }');
    expect(ours.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(theirs.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(theirs.errors?.[0]?.message).toBe(ours.errors?.[0]?.message);
  });

  it('default stitching runtime: identity and native fields match ours', async () => {
    const ours = (await t.gql(NATIVE_ONLY)) as Body;
    expect(ours.errors).toBeUndefined();
    expect(await post(stitching, NATIVE_ONLY)).toEqual(ours);
  });

  // Known gap of the stitching runtime (see the header): expected to fail until Hive Gateway fetches nested requirements.
  it.fails('default stitching runtime: golden fields match ours', async () => {
    const ours = (await t.gql(CUSTOMERS)) as Body;
    expect(ours.errors).toBeUndefined();
    expect(await post(stitching, CUSTOMERS)).toEqual(ours);
  });
});
