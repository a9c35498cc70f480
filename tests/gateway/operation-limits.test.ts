/**
 * Operation limits on the real gateway (embedded demo, limits set low for the test: depth 5, 3 aliases, cost 100, 300 tokens): an operation nested too deep,
 * with too many aliases, too costly or too long is refused before any CRM call with GRAPHQL_VALIDATION_FAILED
 * (HTTP 400) naming the limit, and a subscription over them is refused when it starts; one within them answers; field suggestions stay on for analysts.
 * The cost counts a list's selection once per item its `first` may return (gateway/list-cost.ts): at the default
 * limit a 500-customer page passes and thirty aliases of it are refused. (The IDE's example operations run within
 * the default limits: tests/gateway/ide-examples.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.ts';
import { wsClient } from './subscriptions/ws-test-client.ts';
import type { TestApp } from '../support/test-app.ts';

type Answer = { status: number; body: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };

async function postTo(t: TestApp, query: string, variables?: Record<string, unknown>): Promise<Answer> {
  const res = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, body: await res.json() as Answer['body'] };
}

async function crmCallsOf(t: TestApp): Promise<number> {
  const totals = await Promise.all([t.salesforceUrl, t.hubspotUrl].map(async (u) => ((await (await fetch(`${u}/_sandbox/stats`)).json()) as { total: number }).total));
  return totals.reduce((a, b) => a + b, 0);
}

describe('operation limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ config: { CUSTOMER_GRAPH_MAX_DEPTH: '5', CUSTOMER_GRAPH_MAX_ALIASES: '3', CUSTOMER_GRAPH_MAX_COST: '100', CUSTOMER_GRAPH_MAX_TOKENS: '300' } });
  }, 240_000);
  afterAll(async () => t?.close());

  const post = async (query: string, variables?: Record<string, unknown>) => postTo(t, query, variables);
  const crmCalls = async () => crmCallsOf(t);
  const many = Array.from({ length: 400 }, () => 'email').join(' ');

  it.each([
    ['nested deeper than the limit', '{ customers(first: 1) { edges { node { provenance { candidates { source { crm } } } } } } }', /depth limit of 5/],
    ['with more aliases than the limit', '{ a: customers(first: 1) { totalCount } b: customers(first: 1) { totalCount } c: customers(first: 1) { totalCount } d: customers(first: 1) { totalCount } }', /Aliases limit of 3/],
    // customers 1 + edges 1 + 50 × (node 1 + email 1) = 102.
    ['costlier than the limit', '{ customers(first: 50) { edges { node { email } } } }', /Query cost 102 is over the cost limit of 100/],
    ['longer than the token limit', `{ customers(first: 1) { edges { node { ${many} } } } }`, /Document contains more th\w+ 300 tokens/],
  ])('refuses an operation %s, naming the limit, before any CRM call', async (_what, query, message) => {
    const before = await crmCalls();
    const res = await post(query);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.message).toMatch(message);
    expect(res.body.errors?.[0]?.extensions?.code).toMatch(/^GRAPHQL_(VALIDATION|PARSE)_FAILED$/);
    expect(await crmCalls()).toBe(before);
  });

  it('refuses a subscription over the limits when it starts, over graphql-ws too', async () => {
    const client = wsClient(t.app.server.url);
    try {
      // Depth 6: customerChanged, customer, provenance, candidates, source, crm.
      const error = await new Promise<unknown>((resolve) => {
        const timer = setTimeout(() => resolve('neither refused nor completed within 10 s'), 10_000);
        client.subscribe({ query: 'subscription { customerChanged { customer { provenance { candidates { source { crm } } } } } }' },
          { next: () => {}, error: (e) => { clearTimeout(timer); resolve(e); }, complete: () => { clearTimeout(timer); resolve('completed'); } });
      });
      expect(JSON.stringify(error)).toMatch(/depth limit of 5/);
    } finally {
      await client.dispose();
    }
  });

  it('answers an operation within the limits, and still suggests field names', async () => {
    const ok = await post('{ customers(first: 2) { totalCount edges { node { id email } } } }');
    expect(ok.status).toBe(200);
    expect(ok.body.errors).toBeUndefined();
    const typo = await post('{ customers(first: 1) { edges { node { emial } } } }');
    expect(typo.body.errors?.[0]?.message).toContain('Did you mean "email"');
  });

  it('counts a list once per item its `first` may return: literal, default, or the largest page for a variable', async () => {
    const page = (first: number) => `{ customers(first: ${first}) { totalCount edges { node { email } } } }`;
    const small = await post(page(40));
    expect(small.status).toBe(200);
    expect(small.body.errors).toBeUndefined();
    const large = await post(page(60));
    expect(large.status).toBe(400);
    expect(large.body.errors?.[0]?.message).toMatch(/Query cost 123 is over the cost limit of 100/);
    // No `first`: the schema default (20) counts (42). A variable may be anything up to the largest page (500):
    // graphql-armor's cost, before, counted it as 1 (13 here), so `first: $n` with n = 500 passed any limit.
    expect((await post('{ customers { edges { node { email } } } }')).status).toBe(200);
    const before = await crmCalls();
    const variable = await post('query($n: Int) { customers(first: $n) { edges { node { email } } } }', { n: 500 });
    expect(variable.status).toBe(400);
    expect(variable.body.errors?.[0]?.message).toMatch(/Query cost 1,002 is over the cost limit of 100/);
    expect(await crmCalls()).toBe(before);
  });
});

describe('the cost limit at its default', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  }, 240_000);
  afterAll(async () => t?.close());

  const USUAL = 'totalCount edges { cursor node { id email firstName lastName phone title companyName sources { crm objectType recordId } } } pageInfo { hasNextPage endCursor }';

  const HEAVY = 'edges { node { id email firstName lastName phone title companyName sources { crm objectType recordId } '
    + 'provenance { field value rule modifiedAt source { crm objectType recordId } candidates { value modifiedAt status issues source { crm recordId } } } '
    + 'conflicts { field values { value sources { crm recordId } } } salesforceContacts { Id Email FirstName LastName Title Phone } hubspotContacts { id email firstname lastname jobtitle phone } } }';

  it.each([
    ['the usual fields', USUAL],
    // 25,002: graphql-armor's cost, before, refused it (167,594, ×1.5 per level).
    ['provenance candidates, conflicts and the linked CRM records', HEAVY],
  ])('answers a page of 500 golden customers with %s', async (_what, selection) => {
    const res = await postTo(t, `{ customers(first: 500) { totalCount ${selection} } }`);
    expect(res.body.errors).toBeUndefined();
    expect(res.status).toBe(200);
    const page = (res.body.data as { customers: { totalCount: number; edges: unknown[] } }).customers;
    expect(page.edges.length).toBe(Math.min(page.totalCount, 500));
    expect(page.edges.length).toBeGreaterThan(0);
  });

  it.each([
    ['`first: 500`', '', '500', undefined],
    // graphql-armor's cost, before, counted a variable `first` as 1: these thirty pages cost it 1,989 and passed.
    ['`first: $n` with n = 500', '($n: Int)', '$n', { n: 500 }],
  ])('refuses thirty aliases of that page with %s (within the alias limit), saying the cost, the limit and what to do, before any CRM call', async (_what, params, first, variables) => {
    const before = await crmCallsOf(t);
    const query = `query${params} { ${Array.from({ length: 30 }, (_, i) => `p${i}: customers(first: ${first}) { ${USUAL} }`).join(' ')} }`;
    const res = await postTo(t, query, variables);
    expect(res.status).toBe(400);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors).toHaveLength(1);
    // The figures are in the extensions too, for clients that shrink their pages by themselves.
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', cost: 195_180, maxCost: 50_000 });
    expect(res.body.errors?.[0]?.message).toMatch(/^Query cost 195,180 is over the cost limit of 50,000\. .*Ask for smaller pages/);
    expect(await crmCallsOf(t)).toBe(before);
  });
});
