/**
 * Zoho CRM notifications end to end on the demo with Zoho on: at start the product opens a watch channel on the Zoho
 * sandbox through Zoho's Notifications API (Contacts, Accounts and Deals, delivering to this gateway with the demo
 * connector's token); a phone changed in Zoho then reaches a graphql-ws subscriber through the notification with
 * polling paused. A wrong or missing token gets 401 and a malformed body 400, with nothing stored; a notification
 * delivered 10 times is stored and applied once; subscribing again finds the channel instead of duplicating it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SANDBOXES, DEMO_ZOHO_AUTH } from '../../cli/demo-sandboxes.ts';
import { startWebhookDemo } from './support/webhook-demo.ts';
import type { WebhookDemo } from './support/webhook-demo.ts';

const TOKEN = DEMO_SANDBOXES.find((d) => d.crm === 'zoho')!.credentials.webhookToken as string;
interface Channel { channel_id: string; notify_url: string; token: string; events: { resource_name: string }[] }

describe('Zoho CRM notifications (demo)', () => {
  let demo: WebhookDemo;
  let accessToken: string;
  const zoho = (method: string, path: string, body?: unknown) => fetch(`${demo.t.zohoUrl}/crm/v8${path}`, {
    method, headers: { 'content-type': 'application/json', authorization: `Zoho-oauthtoken ${accessToken}` }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const channels = async () => {
    const res = await zoho('GET', '/actions/watch');
    return res.status === 204 ? [] : ((await res.json()) as { watch: Channel[] }).watch;
  };
  /** A notification as Zoho sends it, for the contact, with the given token and server time. */
  const notification = (token: string | undefined, serverTime: number) => JSON.stringify({
    server_time: serverTime, query_params: {}, module: 'Contacts', resource_uri: `${demo.t.zohoUrl}/crm/v8/Contacts`, ids: [demo.recordId],
    affected_fields: [{ [demo.recordId]: ['Phone'] }], operation: 'update', channel_id: 'not-checked-here', ...(token === undefined ? {} : { token }),
  });

  beforeAll(async () => {
    demo = await startWebhookDemo('zoho');
    const grant = await fetch(`${demo.t.zohoUrl}/oauth/v2/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: DEMO_ZOHO_AUTH.clientId, client_secret: DEMO_ZOHO_AUTH.clientSecret, refresh_token: DEMO_ZOHO_AUTH.refreshToken }),
    });
    accessToken = ((await grant.json()) as { access_token: string }).access_token;
  }, 240_000);
  afterAll(async () => demo?.close());

  it('opens one watch channel at start: Contacts, Accounts and Deals, delivering to this gateway with the connector\'s token', async () => {
    const list = await channels();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ notify_url: demo.webhookUrl(), token: TOKEN });
    expect(list[0]!.events.map((e) => e.resource_name).sort()).toEqual(['Accounts', 'Contacts', 'Deals']);
  });

  it('a phone changed in Zoho reaches the subscriber as the new merged phone through the notification', async () => {
    const sub = await demo.subscribePhone();
    const before = await demo.inboxCount();
    expect((await zoho('PUT', '/Contacts', { data: [{ id: demo.recordId, Phone: '+91 80 4000 0142' }], trigger: [] })).status).toBe(200);
    const [result] = await sub.waitFor(1, 10_000);
    expect(result!.data).toMatchObject({ customerChanged: { customerId: demo.customer.id, customer: { phone: '+918040000142' } } });
    // Through the inbox (the poller is paused): the notification was stored and applied.
    const rows = await demo.inboxRows();
    expect(rows.length).toBeGreaterThan(before);
    expect(rows.some((r) => (r.payload as { recordId: string }).recordId === demo.recordId && r.processedAt !== null)).toBe(true);
    sub.unsubscribe();
  }, 30_000);

  it('refuses a notification with a wrong or no token with 401, a malformed one with 400, and stores nothing', async () => {
    const before = await demo.inboxCount();
    expect((await demo.post(notification('not-the-token', Date.now()))).status).toBe(401);
    expect((await demo.post(notification(undefined, Date.now()))).status).toBe(401);
    expect((await demo.post('{not json')).status).toBe(401);
    // Signed with the right token but without ids: not a notification this gateway can apply.
    expect((await demo.post(JSON.stringify({ server_time: Date.now(), module: 'Contacts', operation: 'update', channel_id: '1', token: TOKEN }))).status).toBe(400);
    expect(await demo.inboxCount()).toBe(before);
  });

  it('the same notification delivered 10 times is stored once and applied once', async () => {
    // Only our deliveries now: the product's channel is removed from the sandbox.
    for (const c of await channels()) expect((await zoho('DELETE', `/actions/watch?channel_ids=${c.channel_id}`)).status).toBe(200);
    const sub = await demo.subscribePhone();
    expect((await zoho('PUT', '/Contacts', { data: [{ id: demo.recordId, Phone: '+91 80 4000 0143' }], trigger: [] })).status).toBe(200);
    const body = notification(TOKEN, Date.now());
    await demo.expectAppliedOnce(sub, () => demo.post(body), '+918040000143');
    sub.unsubscribe();
  }, 30_000);

  it('subscribing again finds the channel it made instead of duplicating it', async () => {
    await demo.expectSubscribingAgainFinds(1);
    expect(await channels()).toHaveLength(1);
  });
});
