/**
 * Field clocks end to end on the demo: a phone changed in HubSpot keeps winning last-write-wins after our own
 * write-back makes the Salesforce record newer (it wrote only the department) and after a later genuine HubSpot
 * change of another field — in the golden snapshot change capture keeps and in what the gateway serves. With
 * record-level times alone, Salesforce's stale phone would win both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxRowsOf } from '../../db/writeback-store.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

interface Node { id: string; sources: { crm: string; recordId: string }[] }

describe('field-level last write wins (demo)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { CUSTOMER_GRAPH_POLL_INTERVAL_MS: '600000' } });
    t.app.sync.poller!.pause();
    await t.app.sync.poller!.pollNow();
    await t.app.sync.inbox.drain();
  }, 240_000);
  afterAll(async () => {
    await t?.close();
  });

  const hs = (method: string, path: string, body?: unknown) => fetch(`${t.hubspotUrl}${path}`, {
    method, headers: { 'content-type': 'application/json', authorization: 'Bearer sandbox-token' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const capture = async () => {
    await t.app.sync.poller!.pollNow();
    await t.app.sync.inbox.drain();
  };
  const snapshotOf = async (id: string) => (await t.app.database.db.query.goldenRecords.findFirst({ where: (g, { eq }) => eq(g.id, id) }))!.snapshot as Record<string, unknown>;
  const served = async (id: string) => (await t.gql<{ customer: { phone: string | null; department: string | null; mailingCity: string | null } }>(
    'query($id: ID!) { customer(id: $id) { phone department mailingCity } }', { id })).data!.customer;

  it('our write to Salesforce and a later HubSpot edit do not hand the phone back to Salesforce', async () => {
    const page = await t.gql<{ customers: { edges: { node: Node }[] } }>('{ customers(first: 100) { edges { node { id sources { crm recordId } } } } }');
    const customer = page.data!.customers.edges.map((e) => e.node)
      .find((n) => n.sources.filter((s) => s.crm === 'salesforce').length === 1 && n.sources.filter((s) => s.crm === 'hubspot').length === 1)!;
    const hsId = customer.sources.find((s) => s.crm === 'hubspot')!.recordId;

    // 1. A person changes the phone in HubSpot.
    expect((await hs('PATCH', `/crm/v3/objects/contacts/${hsId}`, { properties: { phone: '+1 212 555 0177' } })).status).toBe(200);
    await capture();
    expect((await snapshotOf(customer.id)).phone).toBe('+12125550177');

    // 2. A client sets the department, which only Salesforce holds: the worker writes the Salesforce record.
    await new Promise((r) => setTimeout(r, 1100)); // past the clock-skew tolerance: Salesforce is now clearly newer
    const res = await t.gql<{ updateCustomer: { enqueued: number } }>('mutation($id: ID!) { updateCustomer(id: $id, input: { department: "Field Clocks" }) { enqueued } }', { id: customer.id });
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateCustomer.enqueued).toBe(1);
    for (const until = Date.now() + 20_000; ;) {
      const rows = await outboxRowsOf(t.app.database.db, [customer.id]);
      if (rows.length > 0 && rows.every((r) => r.status === 'done')) break;
      if (Date.now() > until) throw new Error(`outbox not settled: ${JSON.stringify(rows.map((r) => [r.status, r.lastError]))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await capture();
    expect(await served(customer.id)).toMatchObject({ phone: '+12125550177', department: 'Field Clocks' });

    // 3. A genuine HubSpot change of another field: the golden record is recomputed from both sources.
    await new Promise((r) => setTimeout(r, 1100));
    expect((await hs('PATCH', `/crm/v3/objects/contacts/${hsId}`, { properties: { city: 'Clockton' } })).status).toBe(200);
    await capture();
    expect(await snapshotOf(customer.id)).toMatchObject({ phone: '+12125550177', department: 'Field Clocks', mailingCity: 'Clockton' });
    expect(await served(customer.id)).toMatchObject({ phone: '+12125550177', department: 'Field Clocks', mailingCity: 'Clockton' });
  }, 120_000);

  it('keeps the clocks out of the public API', async () => {
    const res = await t.gql('query($id: ID!) { customer(id: $id) { sourceFieldClocks } }', { id: 'any' });
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
