/**
 * Subscribers get the value that changed, even with the CRM subgraphs' record cache on: a customer changed twice
 * within the cache lifetime is announced twice, each time with its new merged phone (the composition root drops a
 * changed customer's records from the cache before the payload is resolved). With a stale cache the second event
 * would carry the first phone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { subscribeRegistered, wsClient } from '../gateway/subscriptions/ws-test-client.ts';

const PHONE_SUBSCRIPTION = 'subscription($ids: [ID!]) { customerChanged(ids: $ids, fields: ["phone"]) { customerId customer { phone } } }';

interface Node { id: string; sources: { crm: string; recordId: string }[] }

describe('change payloads with the record cache on (demo)', () => {
  let t: TestApp;
  const clients: { dispose(): unknown }[] = [];
  beforeAll(async () => {
    // A cache lifetime far longer than the test: every read after the first would be served from it.
    t = await startTestApp({ config: { CUSTOMER_GRAPH_CACHE_TTL_MS: '600000' } });
  }, 240_000);
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await t?.close();
  });

  it('two phone changes within the cache lifetime reach the subscriber as two new values', async () => {
    const page = await t.gql<{ customers: { edges: { node: Node }[] } }>('{ customers(first: 50) { edges { node { id sources { crm recordId } } } } }');
    const customer = page.data!.customers.edges.map((e) => e.node).find((n) => n.sources.some((s) => s.crm === 'salesforce') && n.sources.some((s) => s.crm === 'hubspot'))!;
    const hsId = customer.sources.find((s) => s.crm === 'hubspot')!.recordId;
    // Warm the cache with the customer's records.
    expect((await t.gql('query($id: ID!) { customer(id: $id) { phone } }', { id: customer.id })).errors).toBeUndefined();

    const client = wsClient(t.app.server.url);
    clients.push(client);
    const sub = await subscribeRegistered(() => t.app.server.subscriptions!.stats().subscribers, client, PHONE_SUBSCRIPTION, { ids: [customer.id] });

    const patch = (phone: string) => fetch(`${t.hubspotUrl}/crm/v3/objects/contacts/${hsId}`, {
      method: 'PATCH', headers: { 'content-type': 'application/json', authorization: 'Bearer sandbox-token' }, body: JSON.stringify({ properties: { phone } }),
    });
    expect((await patch('+1 212 555 0141')).status).toBe(200);
    await sub.waitFor(1, 15_000);
    await new Promise((r) => setTimeout(r, 1100)); // past the clock-skew tolerance, so the second edit is clearly newer
    expect((await patch('+1 212 555 0142')).status).toBe(200);
    const results = await sub.waitFor(2, 15_000);
    expect(results.map((r) => (r.data as { customerChanged: { customer: { phone: string } } }).customerChanged.customer.phone))
      .toEqual(['+12125550141', '+12125550142']);
    sub.unsubscribe();
  }, 60_000);
});
