/**
 * Webhooks from the HubSpot sandbox to a real local receiver: v3 signatures verified on the raw bytes, the
 * 5-minute window, and events parsed with what the sync layer needs to recognise its own writes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/contract/index.ts';
import type { WebhookRequest } from '../../../connectors/contract/index.ts';
import { createHubSpotConnector, signatureV3 } from '../../../connectors/hubspot/index.ts';
import type { HubSpotWebhookEvent } from '../../../connectors/hubspot/index.ts';
import { createWebhookHandler } from '../../../connectors/hubspot/webhooks.ts';
import { RateBudgetRegistry } from '../../../connectors/runtime/index.ts';
import type { RunningHubSpotSandbox } from '../../../sandboxes/hubspot/index.ts';
import { CREDENTIALS, startHubSpot } from './harness.ts';
import { startWebhookReceiver } from '../webhook-receiver.ts';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

/** A receiver that records each delivery exactly as it arrived. */
async function receiver() {
  const hook = await startWebhookReceiver('/hooks/hubspot', 204);
  closers.push(() => hook.close());
  return hook;
}

async function setup(auth: 'static' | 'oauth') {
  const sandbox: RunningHubSpotSandbox = await startHubSpot();
  closers.push(() => sandbox.close());
  const hook = await receiver();
  const configured = await fetch(`${sandbox.url}/_sandbox/hubspot/webhooks`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ targetUrl: hook.url, batchDelayMs: 10 }),
  });
  expect(configured.ok).toBe(true);
  const connector = createHubSpotConnector({
    connectorId: `hs-webhooks-${auth}-${Date.now()}`,
    baseUrl: sandbox.url,
    auth: auth === 'static'
      ? { kind: 'static', accessToken: CREDENTIALS.accessToken }
      : { kind: 'refresh-token', clientId: CREDENTIALS.clientId, clientSecret: CREDENTIALS.clientSecret, refreshToken: CREDENTIALS.refreshToken },
    webhookSecret: CREDENTIALS.clientSecret,
    registry: new RateBudgetRegistry(),
  });
  const received = async (count: number) => {
    for (let i = 0; i < 200 && hook.deliveries.length < count; i++) await new Promise((r) => setTimeout(r, 10));
    return hook.deliveries.map((d) => ({ ...d, url: hook.url }));
  };
  return { sandbox, connector, received };
}

describe('HubSpot webhooks', () => {
  it('deliveries from the sandbox verify on their raw bytes and parse into created/updated/deleted events with their source', async () => {
    const { connector, received } = await setup('static');
    const [created] = await connector.createMany('contacts', [{ fields: { email: 'hook@example.test', firstname: 'Hook' } }]);
    expect(created!.ok).toBe(true);
    const id = created!.ok ? created!.id : '';
    await connector.updateMany('contacts', [{ id, fields: { jobtitle: 'CTO' } }]);
    await connector.deleteMany('contacts', [id]);
    const deliveries = await received(3);
    expect(deliveries.length).toBeGreaterThanOrEqual(1);
    const events: HubSpotWebhookEvent[] = [];
    for (const delivery of deliveries) {
      expect(connector.webhooks!.verify(delivery)).toBe(true);
      events.push(...connector.webhooks!.parse(delivery.rawBody));
    }
    expect(events.every((e) => e.objectType === 'contacts' && e.recordId === id)).toBe(true);
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['created', 'updated', 'deleted']));
    const title = events.find((e) => e.propertyName === 'jobtitle');
    expect(title).toMatchObject({ kind: 'updated', changedFields: ['jobtitle'], propertyValue: 'CTO', changeSource: 'API', sourceId: 'private-app' });
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    expect(events.every((e) => !Number.isNaN(Date.parse(e.occurredAt)))).toBe(true);
  });

  it('writes made with OAuth carry the app client id as sourceId (how the sync layer recognises its own echo)', async () => {
    const { connector, received } = await setup('oauth');
    await connector.createMany('contacts', [{ fields: { email: 'echo@example.test' } }]);
    const [delivery] = await received(1);
    expect(connector.webhooks!.verify(delivery!)).toBe(true);
    expect(connector.webhooks!.parse(delivery!.rawBody).every((e) => e.sourceId === CREDENTIALS.clientId && e.changeSource === 'API')).toBe(true);
  });

  it('a tampered body, another URL, a wrong secret, a missing or stale timestamp all fail verification', async () => {
    const body = JSON.stringify([{ eventId: 1, subscriptionType: 'contact.creation', objectId: 51, occurredAt: Date.now() }]);
    const url = 'https://hooks.example.test/hubspot';
    const now = Date.now();
    const signed = (ts: number, b = body, secret = CREDENTIALS.clientSecret, at = url): WebhookRequest => ({
      method: 'POST', url: at, rawBody: b,
      headers: { 'x-hubspot-signature-v3': signatureV3(secret, 'POST', url, b, String(ts)), 'x-hubspot-request-timestamp': String(ts) },
    });
    const handler = createWebhookHandler(CREDENTIALS.clientSecret, () => now);
    expect(handler.verify(signed(now))).toBe(true);
    expect(handler.verify(signed(now - 299_000))).toBe(true);
    expect(handler.verify({ ...signed(now), rawBody: body.replace('51', '52') })).toBe(false);
    expect(handler.verify(signed(now, body, CREDENTIALS.clientSecret, 'https://evil.example.test/hubspot'))).toBe(false);
    expect(handler.verify(signed(now, body, 'another-secret'))).toBe(false);
    expect(handler.verify(signed(now - 301_000))).toBe(false);
    expect(handler.verify({ ...signed(now), headers: { 'x-hubspot-signature-v3': 'abc' } })).toBe(false);
    expect(handler.verify({ ...signed(now), rawBody: new TextEncoder().encode(body) })).toBe(true);
  });

  it('parse maps every subscription type and refuses what is not a HubSpot delivery with CRM_VALIDATION', () => {
    const handler = createWebhookHandler('secret');
    const events = handler.parse(JSON.stringify([
      { eventId: 7, subscriptionType: 'company.propertyChange', objectId: 9, propertyName: 'name', propertyValue: 'Acme', occurredAt: 1714564800123, changeSource: 'CRM_UI', sourceId: 'userId:45678', portalId: 62515, attemptNumber: 2 },
      { eventId: 8, subscriptionType: 'deal.deletion', objectId: 10, occurredAt: 1714564800123 },
      { eventId: 9, subscriptionType: 'contact.merge', objectId: 11, mergedObjectIds: [12, 13], occurredAt: 1714564800123 },
      { eventId: 10, subscriptionType: 'object.restore', objectTypeId: '0-1', objectId: 14, occurredAt: 1714564800123 },
      { eventId: 11, subscriptionType: 'contact.associationChange', objectId: 15, occurredAt: 1714564800123 },
    ]));
    expect(events.map((e) => [e.objectType, e.kind, e.recordId])).toEqual([
      ['companies', 'updated', '9'], ['deals', 'deleted', '10'], ['contacts', 'merged', '11'], ['contacts', 'restored', '14'], ['contacts', 'associationChanged', '15'],
    ]);
    expect(events[0]).toMatchObject({ eventId: '7', occurredAt: '2024-05-01T12:00:00.123Z', sourceId: 'userId:45678', portalId: '62515', attemptNumber: 2 });
    expect(events[2]!.mergedIds).toEqual(['12', '13']);
    for (const garbage of ['<html>', '[{"eventId":1}]', '[1]', '[{"eventId":1,"objectId":2,"subscriptionType":"contact.explode"}]']) {
      expect(() => handler.parse(garbage)).toThrow(ConnectorError);
    }
  });
});
