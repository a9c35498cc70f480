/**
 * Operation limits on the real gateway (embedded demo, limits set low for the test: depth 5, 3 aliases, cost 100, 300 tokens): an operation nested too deep,
 * with too many aliases, too costly or too long is refused before any CRM call with GRAPHQL_VALIDATION_FAILED
 * (HTTP 400) naming the limit, and a subscription over them is refused when it starts; one within them answers; field suggestions stay on for analysts. (The IDE's example
 * operations run within the default limits: tests/gateway/ide-examples.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.ts';
import { wsClient } from './subscriptions/ws-test-client.ts';
import type { TestApp } from '../support/test-app.ts';

describe('operation limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ config: { CUSTOMER_GRAPH_MAX_DEPTH: '5', CUSTOMER_GRAPH_MAX_ALIASES: '3', CUSTOMER_GRAPH_MAX_COST: '100', CUSTOMER_GRAPH_MAX_TOKENS: '300' } });
  }, 240_000);
  afterAll(async () => t?.close());

  const post = async (query: string) => {
    const res = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    return { status: res.status, body: await res.json() as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };
  };
  const crmCalls = async () => {
    const totals = await Promise.all([t.salesforceUrl, t.hubspotUrl].map(async (u) => ((await (await fetch(`${u}/_sandbox/stats`)).json()) as { total: number }).total));
    return totals.reduce((a, b) => a + b, 0);
  };
  const many = Array.from({ length: 400 }, () => 'email').join(' ');

  it.each([
    ['nested deeper than the limit', '{ customers(first: 1) { edges { node { provenance { candidates { source { crm } } } } } } }', /depth limit of 5/],
    ['with more aliases than the limit', '{ a: customers(first: 1) { totalCount } b: customers(first: 1) { totalCount } c: customers(first: 1) { totalCount } d: customers(first: 1) { totalCount } }', /Aliases limit of 3/],
    ['costlier than the limit', '{ customers(first: 1) { edges { node { email phone title firstName lastName provenance { field value rule modifiedAt candidates { value modifiedAt status issues } } conflicts { field } } } } }', /Cost limit of 100/],
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
});
