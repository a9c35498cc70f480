/**
 * Change capture end to end on the demo (composition root, sandboxes in a child process, embedded database or
 * Postgres): a phone changed in the HubSpot sandbox reaches a graphql-ws subscriber as the new merged phone, through
 * the webhook and, with webhooks switched off, through polling; bad, stale, malformed and redelivered webhooks.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signatureV3 } from '../../connectors/hubspot/index.ts';
import { goldenRecords, webhookInbox } from '../../db/schema.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { subscribeRegistered, wsClient } from '../gateway/subscriptions/ws-test-client.ts';
import type { Collected } from '../gateway/subscriptions/ws-test-client.ts';

const POLL_MS = 1500;
const PHONE_SUBSCRIPTION = 'subscription($ids: [ID!]) { customerChanged(ids: $ids, fields: ["phone"]) { customerId changedFields version customer { phone } } }';

interface Node { id: string; phone: string | null; sources: { crm: string; recordId: string }[] }

describe('change capture (demo)', () => {
  let t: TestApp;
  let customer: Node;
  let hsId: string;
  const clients: { dispose(): unknown }[] = [];
  const webhookUrl = () => `${t.app.server.url}/webhooks/hubspot-demo`;
  const hs = (method: string, path: string, body?: unknown) => fetch(`${t.hubspotUrl}${path}`, {
    method, headers: { 'content-type': 'application/json', authorization: 'Bearer sandbox-token' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const subscribe = async (): Promise<Collected> => {
    const client = wsClient(t.app.server.url);
    clients.push(client);
    return subscribeRegistered(() => t.app.server.subscriptions!.stats().subscribers, client, PHONE_SUBSCRIPTION, { ids: [customer.id] });
  };
  const post = (body: string, opts: { timestamp?: number; secret?: string } = {}) => {
    const timestamp = String(opts.timestamp ?? Date.now());
    return fetch(webhookUrl(), {
      method: 'POST', body,
      headers: { 'content-type': 'application/json', 'x-hubspot-request-timestamp': timestamp, 'x-hubspot-signature-v3': signatureV3(opts.secret ?? 'sandbox', 'POST', webhookUrl(), body, timestamp) },
    });
  };
  const inboxRows = (eventId: string) => t.app.database.db.select().from(webhookInbox).where(and(eq(webhookInbox.connectorId, 'hubspot-demo'), eq(webhookInbox.eventId, eventId)));
  let firstVersion = 0;
  const storedVersion = async () => (await t.app.database.db.select({ v: goldenRecords.snapshotVersion }).from(goldenRecords).where(eq(goldenRecords.id, customer.id)))[0]!.v;
  const inboxCount = async () => (await t.app.database.db.select({ id: webhookInbox.id }).from(webhookInbox)).length;

  beforeAll(async () => {
    t = await startTestApp({ env: { CUSTOMER_GRAPH_POLL_INTERVAL_MS: String(POLL_MS) } });
    t.app.sync.poller!.pause();
    const page = await t.gql<{ customers: { edges: { node: Node }[] } }>('{ customers(first: 100) { edges { node { id phone sources { crm recordId } } } } }');
    customer = page.data!.customers.edges.map((e) => e.node).find((n) => n.sources.some((s) => s.crm === 'salesforce') && n.sources.some((s) => s.crm === 'hubspot'))!;
    hsId = customer.sources.find((s) => s.crm === 'hubspot')!.recordId;
  }, 240_000);
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await t?.close();
  });

  it('a phone changed in HubSpot reaches the subscriber as the new merged phone through the webhook', async () => {
    const sub = await subscribe();
    expect((await hs('PATCH', `/crm/v3/objects/contacts/${hsId}`, { properties: { phone: '+1 212 555 0101' } })).status).toBe(200);
    const [result] = await sub.waitFor(1, 10_000);
    expect(result!.data).toMatchObject({ customerChanged: { customerId: customer.id, customer: { phone: '+12125550101' } } });
    // Other fields may change too: the edit makes HubSpot the newest source for every last-write-wins field.
    expect((result!.data as { customerChanged: { changedFields: string[] } }).customerChanged.changedFields).toContain('phone');
    // The snapshot version the change produced, as stored: a subscriber can tell newer states from older ones.
    firstVersion = (result!.data as { customerChanged: { version: number } }).customerChanged.version;
    expect(firstVersion).toBe(await storedVersion());
    expect(firstVersion).toBeGreaterThanOrEqual(1);
    // It came through the inbox (the poller is paused): the sandbox's event is stored and processed.
    const rows = await t.app.database.db.select().from(webhookInbox).where(eq(webhookInbox.connectorId, 'hubspot-demo'));
    expect(rows.some((r) => (r.payload as { recordId: string }).recordId === hsId && r.processedAt !== null)).toBe(true);
    sub.unsubscribe();
  }, 30_000);

  it('refuses a bad or stale signature with 401 and stores nothing', async () => {
    const before = await inboxCount();
    const body = JSON.stringify([{ eventId: 990001, subscriptionType: 'contact.propertyChange', objectId: Number(hsId), propertyName: 'phone', occurredAt: Date.now() }]);
    expect((await post(body, { secret: 'not-the-secret' })).status).toBe(401);
    expect((await post(body, { timestamp: Date.now() - 6 * 60_000 })).status).toBe(401);
    expect((await fetch(webhookUrl(), { method: 'POST', body, headers: { 'content-type': 'application/json' } })).status).toBe(401);
    expect(await inboxCount()).toBe(before);
    expect(await inboxRows('990001')).toHaveLength(0);
  });

  it('refuses a malformed body with 400 and stores nothing', async () => {
    const before = await inboxCount();
    expect((await post('{not json')).status).toBe(400);
    expect((await post(JSON.stringify([{ hello: 'world' }]))).status).toBe(400);
    expect(await inboxCount()).toBe(before);
  });

  it('the same event delivered 10 times is stored once and applied once', async () => {
    // Only our deliveries now: the sandbox sends none.
    expect((await fetch(`${t.hubspotUrl}/_sandbox/hubspot/webhooks`, { method: 'DELETE' })).status).toBeLessThan(300);
    const sub = await subscribe();
    expect((await hs('PATCH', `/crm/v3/objects/contacts/${hsId}`, { properties: { phone: '+1 212 555 0102' } })).status).toBe(200);
    const body = JSON.stringify([{ eventId: 990002, subscriptionType: 'contact.propertyChange', objectId: Number(hsId), propertyName: 'phone', propertyValue: '+1 212 555 0102', occurredAt: Date.now(), attemptNumber: 0 }]);
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(body)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    const [result] = await sub.waitFor(1, 10_000);
    expect(result!.data).toMatchObject({ customerChanged: { customer: { phone: '+12125550102' } } });
    const version = (result!.data as { customerChanged: { version: number } }).customerChanged.version;
    expect(version).toBeGreaterThan(firstVersion);
    expect(version).toBe(await storedVersion());
    await t.app.sync.inbox.drain();
    await new Promise((r) => setTimeout(r, 1000));
    expect(sub.results).toHaveLength(1);
    const rows = await inboxRows('990002');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.processedAt).not.toBeNull();
    expect(rows[0]!.attempts).toBe(1);
    sub.unsubscribe();
  }, 30_000);

  it('with webhooks switched off, a change arrives through polling within one interval', async () => {
    await fetch(`${t.hubspotUrl}/_sandbox/hubspot/webhooks`, { method: 'DELETE' });
    const before = await inboxCount();
    // Run one round now (from the cursors the start-time link run left), so the next one is a normal interval.
    await t.app.sync.poller!.pollNow();
    t.app.sync.poller!.resume();
    const sub = await subscribe();
    const changedAt = Date.now();
    expect((await hs('PATCH', `/crm/v3/objects/contacts/${hsId}`, { properties: { phone: '+1 212 555 0103' } })).status).toBe(200);
    const [result] = await sub.waitFor(1, POLL_MS + 5000);
    expect(result!.data).toMatchObject({ customerChanged: { customerId: customer.id, customer: { phone: '+12125550103' } } });
    // One interval plus the round itself (reading, fetching the other sources, committing).
    expect(Date.now() - changedAt).toBeLessThan(POLL_MS + 3000);
    expect(await inboxCount()).toBe(before);
    sub.unsubscribe();
  }, 60_000);
});
