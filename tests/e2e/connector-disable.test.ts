/**
 * Disabling a connector takes effect at once, without a restart (demo: Salesforce and HubSpot sandboxes, polling
 * every second): while HubSpot is disabled no call reaches it — no polling, no reads, no write-back — golden customers
 * answer from Salesforce with HubSpot named as an unavailable source, and a golden update's HubSpot write waits in the
 * outbox instead of being dropped, and HubSpot's webhook deliveries are answered 503 so that HubSpot delivers them again
 * later. Enabling it resumes all of that: the waiting write reaches HubSpot, reads work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { webhookInbox } from '../../db/schema.ts';
import { outboxRowsOf } from '../../db/writeback-store.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const SET = 'mutation($id: ID!, $on: Boolean!) { setConnectorEnabled(id: $id, enabled: $on) { restartReason connector { status running } } }';
type Prov = { field: string; source: { crm: string } | null; unavailableSources: { crm: string }[] };
type Customer = { id: string; title: string | null; sources: { crm: string; recordId: string }[]; provenance: Prov[] };
const CUSTOMER = 'query($id: ID!) { customer(id: $id) { id title sources { crm recordId } provenance(fields: ["email"]) { field source { crm } unavailableSources { crm } } } }';

describe('disabling a connector at once', () => {
  let t: TestApp;
  let both: Customer;
  beforeAll(async () => {
    t = await startTestApp({ env: { CUSTOMER_GRAPH_POLL_INTERVAL_MS: '1000' } });
    const page = await t.gql<{ customers: { edges: { node: Customer }[] } }>('{ customers(first: 100) { edges { node { id title sources { crm recordId } provenance(fields: ["email"]) { field source { crm } unavailableSources { crm } } } } } }');
    both = page.data!.customers.edges.map((e) => e.node).find((c) => c.sources.some((s) => s.crm === 'hubspot') && c.sources.some((s) => s.crm === 'salesforce'))!;
  }, 240_000);
  afterAll(async () => t?.close());

  const hubspotCalls = async () => ((await (await fetch(`${t.hubspotUrl}/_sandbox/stats`)).json()) as { total: number }).total;
  const hubspotContact = async (id: string) =>
    (await (await fetch(`${t.hubspotUrl}/crm/v3/objects/contacts/${id}?properties=jobtitle`, { headers: { authorization: 'Bearer sandbox-token' } })).json()) as { properties: { jobtitle?: string } };

  it('stops every call to HubSpot now, and golden customers answer from Salesforce naming HubSpot unavailable, without an error', async () => {
    const res = await t.gql<{ setConnectorEnabled: { restartReason: string | null; connector: { status: string; running: boolean } } }>(SET, { id: 'hubspot-demo', on: false });
    expect(res.errors).toBeUndefined();
    expect(res.data!.setConnectorEnabled).toEqual({ restartReason: null, connector: { status: 'disabled', running: false } });

    // A poll page requested just before the switch may still be answered; nothing starts after it.
    await new Promise((r) => setTimeout(r, 1_500));
    const before = await hubspotCalls();
    const body = await t.gql<{ customer: Customer }>(CUSTOMER, { id: both.id });
    expect(body.data!.customer.id).toBe(both.id);
    const email = body.data!.customer.provenance[0]!;
    expect(email.source?.crm).toBe('salesforce');
    expect(email.unavailableSources.map((s) => s.crm)).toEqual(['hubspot']);
    // Disabled on purpose is not an outage: no error on the golden read (provenance names the source), while a
    // client that asks HubSpot's own records still learns why there are none.
    expect(body.errors).toBeUndefined();
    const listed = await t.gql<{ customers: { edges: { node: Customer }[] } }>('{ customers(first: 20) { edges { node { id email hubspotContacts { email } } } } }');
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.customers.edges.length).toBe(20);
    const native = await t.gql('{ hubSpotContacts(first: 1) { edges { node { id } } } }');
    const refused = native.errors?.find((e) => e.extensions?.code === 'CRM_UNAVAILABLE');
    expect(refused?.message).toMatch(/disabled/);
    // Three poll intervals: the poller skips HubSpot, and the read above never reached it.
    await new Promise((r) => setTimeout(r, 3_500));
    expect(await hubspotCalls()).toBe(before);
  });

  it('answers HubSpot webhook deliveries 503 with Retry-After, storing nothing, so HubSpot delivers them again later', async () => {
    const inboxRows = async () => (await t.app.database.db.select({ n: count() }).from(webhookInbox))[0]!.n;
    const before = await inboxRows();
    const body = JSON.stringify([{ eventId: 9_900_001, subscriptionType: 'contact.propertyChange', objectId: 1001, propertyName: 'phone', propertyValue: '+1 212 555 0100', occurredAt: Date.now() }]);
    const res = await fetch(`${t.app.server.url}/webhooks/hubspot-demo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('300');
    expect(await res.json()).toMatchObject({ code: 'CONNECTOR_DISABLED', error: expect.stringMatching(/hubspot-demo is disabled.*deliver again later/) });
    expect(await inboxRows()).toBe(before);
    // A connector nobody configured is still not found.
    expect((await fetch(`${t.app.server.url}/webhooks/no-such-connector`, { method: 'POST', body })).status).toBe(404);
  });

  it('keeps a golden update\'s HubSpot write waiting while Salesforce is written', async () => {
    const hubspotId = both.sources.find((s) => s.crm === 'hubspot')!.recordId;
    const res = await t.gql<{ updateCustomer: { enqueued: number } }>('mutation($id: ID!) { updateCustomer(id: $id, input: { title: "Chief Disabling Officer" }) { enqueued } }', { id: both.id });
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateCustomer.enqueued).toBe(2);
    await expect.poll(async () => (await outboxRowsOf(t.app.database.db, [both.id])).find((r) => r.connectorId === 'salesforce-demo')?.status, { timeout: 30_000, interval: 250 }).toBe('done');
    await new Promise((r) => setTimeout(r, 2_000));
    const waiting = (await outboxRowsOf(t.app.database.db, [both.id])).find((r) => r.connectorId === 'hubspot-demo')!;
    expect(waiting.status).not.toBe('done');
    expect(waiting.status).not.toBe('dead');
    expect(waiting.lastError).toMatch(/not available/);
    // Straight from the sandbox: HubSpot still holds its old title.
    expect((await hubspotContact(hubspotId)).properties.jobtitle).not.toBe('Chief Disabling Officer');
  }, 60_000);

  it('resumes on enable: the waiting write reaches HubSpot and reads of it work again', async () => {
    const hubspotId = both.sources.find((s) => s.crm === 'hubspot')!.recordId;
    const res = await t.gql<{ setConnectorEnabled: { restartReason: string | null; connector: { status: string; running: boolean } } }>(SET, { id: 'hubspot-demo', on: true });
    expect(res.data!.setConnectorEnabled).toEqual({ restartReason: null, connector: { status: 'active', running: true } });
    await expect.poll(async () => (await hubspotContact(hubspotId)).properties.jobtitle, { timeout: 30_000, interval: 500 }).toBe('Chief Disabling Officer');
    const body = await t.gql<{ customer: Customer }>(CUSTOMER, { id: both.id });
    expect(body.errors).toBeUndefined();
    expect(body.data!.customer.provenance[0]!.unavailableSources).toEqual([]);
    expect(body.data!.customer.title).toBe('Chief Disabling Officer');
  }, 60_000);

  it('deletes a disabled connector, refusing a running one; its customers still answer', async () => {
    await t.gql(SET, { id: 'hubspot-demo', on: false });
    const running = await t.gql('mutation { deleteConnector(id: "salesforce-demo") }');
    expect(running.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const res = await t.gql<{ deleteConnector: boolean }>('mutation { deleteConnector(id: "hubspot-demo") }');
    expect(res.errors).toBeUndefined();
    expect(res.data!.deleteConnector).toBe(true);
    // The customer still answers; its HubSpot links are retired in the background (sync/connector-retirement.ts,
    // shown step by step in tests/e2e/connector-delete-links.test.ts), so this does not wait for that here.
    const read = await t.gql<{ customer: Customer }>(CUSTOMER, { id: both.id });
    expect(read.errors).toBeUndefined();
    expect(read.data!.customer.sources.map((s) => s.crm)).toContain('salesforce');
  });
});
