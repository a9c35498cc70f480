/**
 * Pipedrive webhooks end to end on the demo with three CRMs: at start the product subscribes to the Pipedrive
 * sandbox's webhooks through Pipedrive's API (one per object, Basic credentials); a phone changed in Pipedrive then
 * reaches a graphql-ws subscriber through the webhook with polling paused. Wrong credentials get 401 and malformed
 * bodies 400, with nothing stored; our own write-back comes back by webhook as an echo, not a new change; an event
 * delivered 10 times is stored and applied once; subscribing again finds the subscriptions instead of duplicating them,
 * and removes the connector's subscriptions to an old public URL but no other tool's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookInbox } from '../../db/schema.ts';
import { outboxRowsOf } from '../../db/writeback-store.ts';
import { DEMO_PIPEDRIVE_WEBHOOK_AUTH } from '../../cli/connector-setup.ts';
import { startWebhookDemo } from './support/webhook-demo.ts';
import type { WebhookDemo } from './support/webhook-demo.ts';

interface Subscription { id: number; subscription_url: string; event_object: string; event_action: string; http_auth_user: string | null }

describe('Pipedrive webhooks (demo)', () => {
  let demo: WebhookDemo;
  const pd = (method: string, path: string, body?: unknown) => fetch(`${demo.t.pipedriveUrl}${path}`, {
    method, headers: { 'content-type': 'application/json', 'x-api-token': 'sandbox-pipedrive-token' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const subscriptions = async () => ((await (await pd('GET', '/api/v1/webhooks')).json()) as { data: Subscription[] }).data;
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const post = (body: string, authorization: string | null = basic(DEMO_PIPEDRIVE_WEBHOOK_AUTH.user, DEMO_PIPEDRIVE_WEBHOOK_AUTH.password)) =>
    demo.post(body, authorization ? { authorization } : {});
  const changeEvent = (id: string) => JSON.stringify({
    data: { id: Number(demo.recordId) }, previous: { phones: [] },
    meta: { action: 'change', entity: 'person', entity_id: demo.recordId, id, timestamp: new Date().toISOString(), version: '2.0', change_source: 'app', attempt: 1 },
  });

  beforeAll(async () => {
    demo = await startWebhookDemo('pipedrive');
  }, 240_000);
  afterAll(async () => demo?.close());

  it('subscribes to Pipedrive\'s webhooks at start: one per object, delivering to this gateway with Basic credentials', async () => {
    const subs = await subscriptions();
    expect(subs.map((s) => s.event_object).sort()).toEqual(['deal', 'organization', 'person']);
    for (const s of subs) expect(s).toMatchObject({ subscription_url: demo.webhookUrl(), event_action: '*', http_auth_user: DEMO_PIPEDRIVE_WEBHOOK_AUTH.user });
  });

  it('a phone changed in Pipedrive reaches the subscriber as the new merged phone through the webhook', async () => {
    const sub = await demo.subscribePhone();
    const before = await demo.inboxCount();
    expect((await pd('PATCH', `/api/v2/persons/${demo.recordId}`, { phones: [{ value: '+1 646 555 0142', primary: true, label: 'work' }] })).status).toBe(200);
    const [result] = await sub.waitFor(1, 10_000);
    expect(result!.data).toMatchObject({ customerChanged: { customerId: demo.customer.id, customer: { phone: '+16465550142' } } });
    // Through the inbox (the poller is paused): the sandbox's event was stored and applied.
    const rows = await demo.inboxRows();
    expect(rows.length).toBeGreaterThan(before);
    expect(rows.some((r) => (r.payload as { recordId: string; objectType: string }).recordId === demo.recordId && r.processedAt !== null)).toBe(true);
    sub.unsubscribe();
  }, 30_000);

  it('refuses deliveries without the right Basic credentials with 401 and stores nothing', async () => {
    const before = await demo.inboxCount();
    const body = changeEvent('pd-bad-auth-1');
    expect((await post(body, basic(DEMO_PIPEDRIVE_WEBHOOK_AUTH.user, 'not-the-password'))).status).toBe(401);
    expect((await post(body, basic('intruder', DEMO_PIPEDRIVE_WEBHOOK_AUTH.password))).status).toBe(401);
    expect((await post(body, null)).status).toBe(401);
    expect(await demo.inboxCount()).toBe(before);
    expect(await demo.inboxRows('pd-bad-auth-1')).toHaveLength(0);
  });

  it('refuses a malformed body with 400 and stores nothing; acknowledges events of objects it does not sync', async () => {
    const before = await demo.inboxCount();
    expect((await post('{not json')).status).toBe(400);
    expect((await post(JSON.stringify({ meta: { action: 'change', entity: 'person' } }))).status).toBe(400);
    const activity = await post(JSON.stringify({ data: {}, previous: null, meta: { action: 'create', entity: 'activity', entity_id: '9', id: 'pd-activity-1', version: '2.0' } }));
    expect(activity.status).toBe(200);
    expect(await activity.json()).toMatchObject({ received: 0, stored: 0 });
    expect(await demo.inboxCount()).toBe(before);
  });

  it('the same event delivered 10 times is stored once and applied once', async () => {
    // Only our deliveries now: the product's subscriptions are removed from the sandbox.
    for (const s of await subscriptions()) expect((await pd('DELETE', `/api/v1/webhooks/${s.id}`)).status).toBe(200);
    const sub = await demo.subscribePhone();
    expect((await pd('PATCH', `/api/v2/persons/${demo.recordId}`, { phones: [{ value: '+1 646 555 0143', primary: true, label: 'work' }] })).status).toBe(200);
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(changeEvent('pd-redelivered-1'))));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    const [result] = await sub.waitFor(1, 10_000);
    expect(result!.data).toMatchObject({ customerChanged: { customer: { phone: '+16465550143' } } });
    await demo.t.app.sync.inbox.drain();
    await new Promise((r) => setTimeout(r, 1000));
    expect(sub.results).toHaveLength(1);
    const rows = await demo.inboxRows('pd-redelivered-1');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.processedAt).not.toBeNull();
    expect(rows[0]!.attempts).toBe(1);
    sub.unsubscribe();
  }, 30_000);

  it('subscribing again finds the subscriptions it made instead of duplicating them', async () => {
    await demo.expectSubscribingAgainFinds(3);
    expect(await subscriptions()).toHaveLength(3);
  });

  it('subscribing again removes this connector\'s subscriptions to an old public URL, and only those', async () => {
    const make = async (url: string) => {
      const res = await pd('POST', '/api/v1/webhooks', { subscription_url: url, event_action: '*', event_object: 'person', version: '2.0', http_auth_user: DEMO_PIPEDRIVE_WEBHOOK_AUTH.user });
      return ((await res.json()) as { data: Subscription }).data.id;
    };
    const old = await make(`http://old-gateway.test/webhooks/${demo.connectorId}`);
    const foreign = await make('http://old-gateway.test/hooks/other-tool');
    await demo.t.app.sync.subscribeWebhooks('pipedrive');
    const ids = (await subscriptions()).map((s) => s.id);
    expect(ids).not.toContain(old);
    expect(ids).toContain(foreign);
    expect((await subscriptions()).filter((s) => s.subscription_url === demo.webhookUrl())).toHaveLength(3);
    expect((await pd('DELETE', `/api/v1/webhooks/${foreign}`)).status).toBe(200);
  });

  // Last: a change made in another CRM within the clock-skew tolerance (1 s, and Pipedrive's times are whole
  // seconds) of this write-back would tie with it and lose to source priority, as designed.
  it('our own write-back comes back through the Pipedrive webhook without a second change event or another write-back', async () => {
    const sub = await demo.subscribePhone();
    const lastInboxId = Math.max(0, ...(await demo.t.app.database.db.select({ id: webhookInbox.id }).from(webhookInbox)).map((r) => r.id));
    const res = await demo.t.gql<{ updateCustomer: { enqueued: number } }>('mutation($id: ID!) { updateCustomer(id: $id, input: { phone: "+1 646 555 0177" }) { enqueued } }', { id: demo.customer.id });
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateCustomer.enqueued).toBeGreaterThanOrEqual(2);
    const queued = (await outboxRowsOf(demo.t.app.database.db, [demo.customer.id])).length;
    await expect.poll(async () => (await outboxRowsOf(demo.t.app.database.db, [demo.customer.id])).every((r) => r.status === 'done'), { timeout: 20_000, interval: 100 }).toBe(true);
    // The write's own change, announced once.
    const [first] = await sub.waitFor(1, 10_000);
    expect(first!.data).toMatchObject({ customerChanged: { customerId: demo.customer.id, changedFields: ['phone'], customer: { phone: '+16465550177' } } });
    // Pipedrive reported our write by webhook, and the event was applied as an echo.
    await expect.poll(() => demo.appliedSince(lastInboxId, 'updated'), { timeout: 10_000, interval: 100 }).toBe(true);
    await demo.t.app.sync.inbox.drain();
    await new Promise((r) => setTimeout(r, 1000));
    expect(sub.results).toHaveLength(1);
    expect((await outboxRowsOf(demo.t.app.database.db, [demo.customer.id])).length).toBe(queued);
    sub.unsubscribe();
  }, 60_000);
});
