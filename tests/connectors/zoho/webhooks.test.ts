/**
 * Zoho Notifications (watch channels) as webhooks: `verify` compares the token echoed in the body with the
 * connector's, `parse` makes one event per id, and `ensureSubscriptions` / `removeSubscriptions` keep this
 * connector's one channel in the Zoho sandbox.
 */
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/contract/index.ts';
import type { WebhookRequest } from '../../../connectors/contract/index.ts';
import { RateBudgetRegistry } from '../../../connectors/runtime/index.ts';
import { createZohoConnector, watchChannelId } from '../../../connectors/zoho/index.ts';
import { CREDENTIALS } from './harness.ts';

const WEBHOOK_TOKEN = 'zh-wt-7e2c9a4f1b8d3e6c0a5f9b2d';

/** A connector that never calls Zoho here (nothing listens on port 9). */
const offline = (webhookToken?: string) => createZohoConnector({
  connectorId: 'zoho-hooks', accountsUrl: 'http://127.0.0.1:9', apiDomain: 'http://127.0.0.1:9', auth: { kind: 'refresh-token', ...CREDENTIALS },
  registry: new RateBudgetRegistry(), ...(webhookToken !== undefined ? { webhookToken } : {}),
});
const handler = () => offline(WEBHOOK_TOKEN).webhooks!;

const CHANNEL = watchChannelId('zoho-hooks');
const ID1 = '4150868000000500001';
const ID2 = '4150868000000500002';

/** A delivery as the pins describe it. */
const delivery = (fields: Record<string, unknown> = {}) => ({
  server_time: 1_765_100_000_123, query_params: {}, module: 'Contacts', resource_uri: 'http://127.0.0.1:9/crm/v8/Contacts',
  ids: [ID1, ID2], operation: 'insert', channel_id: CHANNEL, token: WEBHOOK_TOKEN, ...fields,
});
const request = (body: string | Uint8Array): WebhookRequest => ({
  method: 'POST', url: 'http://gw/webhooks/zoho-hooks', headers: { 'content-type': 'application/json' }, rawBody: body,
});
const json = (fields: Record<string, unknown> = {}) => JSON.stringify(delivery(fields));

function thrown(fn: () => unknown): ConnectorError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectorError);
    return err as ConnectorError;
  }
  throw new Error('expected a ConnectorError');
}

describe('Zoho webhooks: verify', () => {
  it('exist only when a webhook token is configured', () => {
    expect(offline().webhooks).toBeUndefined();
    expect(offline('').webhooks).toBeUndefined();
    expect(handler().ensureSubscriptions).toBeTypeOf('function');
    expect(handler().subscriptionsPage).toMatch(/no watch channels in its UI/);
  });

  it('accepts the body carrying the configured token, as text or bytes', () => {
    expect(handler().verify(request(json()))).toBe(true);
    expect(handler().verify(request(new TextEncoder().encode(json())))).toBe(true);
  });

  it('refuses a wrong token, a token that only starts alike, a missing or non-string token', () => {
    const h = handler();
    expect(h.verify(request(json({ token: 'zh-wt-wrong-1f4a7c2e9b5d' })))).toBe(false);
    expect(h.verify(request(json({ token: WEBHOOK_TOKEN.slice(0, -1) })))).toBe(false);
    expect(h.verify(request(json({ token: `${WEBHOOK_TOKEN}x` })))).toBe(false);
    expect(h.verify(request(json({ token: undefined })))).toBe(false);
    expect(h.verify(request(json({ token: null })))).toBe(false);
    expect(h.verify(request(json({ token: 12345 })))).toBe(false);
  });

  it('refuses a body that is not JSON or not an object, without throwing', () => {
    const h = handler();
    for (const body of ['', 'not json', `{"token":"${WEBHOOK_TOKEN}"`, `["${WEBHOOK_TOKEN}"]`, 'null', `"${WEBHOOK_TOKEN}"`]) {
      expect(h.verify(request(body))).toBe(false);
    }
  });
});

describe('Zoho webhooks: parse', () => {
  it('an insert is one created event per id, with the module, the server time and a stable event id', () => {
    const events = handler().parse(json());
    expect(events).toHaveLength(2);
    expect(events.map((e) => [e.recordId, e.kind, e.objectType, e.occurredAt])).toEqual([
      [ID1, 'created', 'Contacts', '2025-12-07T09:33:20.123Z'],
      [ID2, 'created', 'Contacts', '2025-12-07T09:33:20.123Z'],
    ]);
    expect(events[0]!.eventId).toBe(`${CHANNEL}:1765100000123:insert:${ID1}`);
    expect(events[0]!.changedFields).toBeUndefined();
    // A retry of the same delivery repeats the ids; another delivery (a later server_time) does not.
    expect(handler().parse(json()).map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
    expect(handler().parse(json({ server_time: 1_765_100_000_124 }))[0]!.eventId).not.toBe(events[0]!.eventId);
  });

  it('an update carries each id\'s affected fields; a delete is a deleted event', () => {
    const updated = handler().parse(json({
      operation: 'update', module: 'Deals', affected_fields: [{ [ID1]: ['Stage', 'Amount'] }, { [ID2]: ['Closing_Date'] }],
    }));
    expect(updated.map((e) => [e.recordId, e.kind, e.objectType, e.changedFields])).toEqual([
      [ID1, 'updated', 'Deals', ['Stage', 'Amount']],
      [ID2, 'updated', 'Deals', ['Closing_Date']],
    ]);
    expect(updated[1]!.eventId).toBe(`${CHANNEL}:1765100000123:update:${ID2}`);
    const deleted = handler().parse(json({ operation: 'delete', module: 'Accounts', ids: [ID1] }));
    expect(deleted).toEqual([expect.objectContaining({ recordId: ID1, kind: 'deleted', objectType: 'Accounts', eventId: `${CHANNEL}:1765100000123:delete:${ID1}` })]);
  });

  it('keeps the delivery as raw without its token (the inbox stores raw)', () => {
    const [event] = handler().parse(json());
    expect(event!.raw).toMatchObject({ module: 'Contacts', ids: [ID1, ID2], channel_id: CHANNEL });
    expect(JSON.stringify(event!.raw)).not.toContain(WEBHOOK_TOKEN);
  });

  it('a body that passed verify but lacks ids, server time, module or a known operation is CRM_VALIDATION (400), without the token', () => {
    const h = handler();
    for (const body of [json({ ids: undefined }), json({ ids: [] }), json({ ids: [{}] }), json({ server_time: undefined }), json({ server_time: 'soon' }),
      json({ module: undefined }), json({ operation: 'merge' }), json({ channel_id: undefined }), 'not json', '[]']) {
      expect(h.verify(request(body)) || body === 'not json' || body === '[]').toBe(true);
      const err = thrown(() => h.parse(body));
      expect(err).toMatchObject({ code: 'CRM_VALIDATION', crm: 'zoho', retryable: false });
      expect(`${err.message} ${JSON.stringify(err.details ?? {})}`).not.toContain(WEBHOOK_TOKEN);
    }
    expect(thrown(() => h.parse(json({ ids: undefined }))).message).toMatch(/ids/);
  });
});
