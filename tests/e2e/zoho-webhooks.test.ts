/**
 * Zoho CRM notifications end to end on the demo with Zoho on: at start the product opens a watch channel on the Zoho
 * sandbox through Zoho's Notifications API (Contacts, Accounts and Deals, delivering to this gateway with the demo
 * connector's token); a phone changed in Zoho then reaches a graphql-ws subscriber through the notification with
 * polling paused. A wrong or missing token gets 401 and a malformed body 400, with nothing stored; a notification
 * delivered 10 times is stored and applied once; subscribing again finds the channel instead of duplicating it.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookInbox } from '../../db/schema.ts';
import { DEMO_SANDBOXES, DEMO_ZOHO_AUTH, DEMO_ZOHO_ID } from '../../cli/demo-sandboxes.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { collect, wsClient } from '../gateway/subscriptions/ws-test-client.ts';
import type { Collected } from '../gateway/subscriptions/ws-test-client.ts';

const PHONE_SUBSCRIPTION = 'subscription($ids: [ID!]) { customerChanged(ids: $ids, fields: ["phone"]) { customerId changedFields customer { phone } } }';
const TOKEN = DEMO_SANDBOXES.find((d) => d.crm === 'zoho')!.credentials.webhookToken as string;
interface Node { id: string; phone: string | null; sources: { crm: string; recordId: string }[] }
interface Channel { channel_id: string; notify_url: string; token: string; events: { resource_name: string }[] }

describe('Zoho CRM notifications (demo)', () => {
  let t: TestApp;
  let customer: Node;
  let contactId: string;
  let accessToken: string;
  const clients: { dispose(): unknown }[] = [];
  const webhookUrl = () => `${t.app.server.url}/webhooks/${DEMO_ZOHO_ID}`;
  const zoho = (method: string, path: string, body?: unknown) => fetch(`${t.zohoUrl}/crm/v8${path}`, {
    method, headers: { 'content-type': 'application/json', authorization: `Zoho-oauthtoken ${accessToken}` }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const channels = async () => {
    const res = await zoho('GET', '/actions/watch');
    return res.status === 204 ? [] : ((await res.json()) as { watch: Channel[] }).watch;
  };
  const post = (body: string) => fetch(webhookUrl(), { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  const inboxCount = async () => (await t.app.database.db.select({ id: webhookInbox.id }).from(webhookInbox).where(eq(webhookInbox.connectorId, DEMO_ZOHO_ID))).length;
  const inboxRows = () => t.app.database.db.select().from(webhookInbox).where(eq(webhookInbox.connectorId, DEMO_ZOHO_ID));
  const subscribe = async (): Promise<Collected> => {
    const client = wsClient(t.app.server.url);
    clients.push(client);
    await expect.poll(() => t.app.server.subscriptions!.stats().subscribers, { timeout: 5000, interval: 20 }).toBe(0);
    const sub = collect(client, PHONE_SUBSCRIPTION, { ids: [customer.id] });
    await expect.poll(() => t.app.server.subscriptions!.stats().subscribers, { timeout: 5000, interval: 20 }).toBe(1);
    return sub;
  };
  /** A notification as Zoho sends it, for the contact, with the given token and server time. */
  const notification = (token: string | undefined, serverTime: number) => JSON.stringify({
    server_time: serverTime, query_params: {}, module: 'Contacts', resource_uri: `${t.zohoUrl}/crm/v8/Contacts`, ids: [contactId],
    affected_fields: [{ [contactId]: ['Phone'] }], operation: 'update', channel_id: 'not-checked-here', ...(token === undefined ? {} : { token }),
  });

  beforeAll(async () => {
    t = await startTestApp({ env: { CUSTOMER_GRAPH_DEMO_ZOHO_PORT: '0', CUSTOMER_GRAPH_POLL_INTERVAL_MS: '600000' } });
    t.app.sync.poller!.pause();
    await t.app.sync.subscribed;
    const grant = await fetch(`${t.zohoUrl}/oauth/v2/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: DEMO_ZOHO_AUTH.clientId, client_secret: DEMO_ZOHO_AUTH.clientSecret, refresh_token: DEMO_ZOHO_AUTH.refreshToken }),
    });
    accessToken = ((await grant.json()) as { access_token: string }).access_token;
    const page = await t.gql<{ customers: { edges: { node: Node }[] } }>('{ customers(first: 500) { edges { node { id phone sources { crm recordId } } } } }');
    customer = page.data!.customers.edges.map((e) => e.node).find((n) => n.sources.some((s) => s.crm === 'zoho'))!;
    contactId = customer.sources.find((s) => s.crm === 'zoho')!.recordId;
  }, 240_000);
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await t?.close();
  });

  it('opens one watch channel at start: Contacts, Accounts and Deals, delivering to this gateway with the connector\'s token', async () => {
    const list = await channels();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ notify_url: webhookUrl(), token: TOKEN });
    expect(list[0]!.events.map((e) => e.resource_name).sort()).toEqual(['Accounts', 'Contacts', 'Deals']);
  });

  it('a phone changed in Zoho reaches the subscriber as the new merged phone through the notification', async () => {
    const sub = await subscribe();
    const before = await inboxCount();
    expect((await zoho('PUT', '/Contacts', { data: [{ id: contactId, Phone: '+91 80 4000 0142' }], trigger: [] })).status).toBe(200);
    const [result] = await sub.waitFor(1, 10_000);
    expect(result!.data).toMatchObject({ customerChanged: { customerId: customer.id, customer: { phone: '+918040000142' } } });
    // Through the inbox (the poller is paused): the notification was stored and applied.
    const rows = await inboxRows();
    expect(rows.length).toBeGreaterThan(before);
    expect(rows.some((r) => (r.payload as { recordId: string }).recordId === contactId && r.processedAt !== null)).toBe(true);
    sub.unsubscribe();
  }, 30_000);

  it('refuses a notification with a wrong or no token with 401, a malformed one with 400, and stores nothing', async () => {
    const before = await inboxCount();
    expect((await post(notification('not-the-token', Date.now()))).status).toBe(401);
    expect((await post(notification(undefined, Date.now()))).status).toBe(401);
    expect((await post('{not json')).status).toBe(401);
    // Signed with the right token but without ids: not a notification this gateway can apply.
    expect((await post(JSON.stringify({ server_time: Date.now(), module: 'Contacts', operation: 'update', channel_id: '1', token: TOKEN }))).status).toBe(400);
    expect(await inboxCount()).toBe(before);
  });

  it('the same notification delivered 10 times is stored once and applied once', async () => {
    // Only our deliveries now: the product's channel is removed from the sandbox.
    for (const c of await channels()) expect((await zoho('DELETE', `/actions/watch?channel_ids=${c.channel_id}`)).status).toBe(200);
    const sub = await subscribe();
    expect((await zoho('PUT', '/Contacts', { data: [{ id: contactId, Phone: '+91 80 4000 0143' }], trigger: [] })).status).toBe(200);
    const before = await inboxCount();
    const body = notification(TOKEN, Date.now());
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(body)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    const [result] = await sub.waitFor(1, 10_000);
    expect(result!.data).toMatchObject({ customerChanged: { customer: { phone: '+918040000143' } } });
    await t.app.sync.inbox.drain();
    await new Promise((r) => setTimeout(r, 1000));
    expect(sub.results).toHaveLength(1);
    expect(await inboxCount()).toBe(before + 1);
    sub.unsubscribe();
  }, 30_000);

  it('subscribing again finds the channel it made instead of duplicating it', async () => {
    const handler = t.app.connectors.get('zoho')!.webhooks!;
    const made = await handler.ensureSubscriptions!(webhookUrl());
    expect(made.created).toHaveLength(1);
    const again = await handler.ensureSubscriptions!(webhookUrl());
    expect(again).toEqual({ existing: made.created, created: [], removed: [], notRemoved: [] });
    expect(await channels()).toHaveLength(1);
  });
});
