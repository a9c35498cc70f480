/**
 * Zoho Notifications (watch channels) as webhooks: `verify` compares the token echoed in the body with the
 * connector's, `parse` makes one event per id, and `ensureSubscriptions` / `removeSubscriptions` keep this
 * connector's one channel in the Zoho sandbox.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { ConnectorError } from '../../../connectors/contract/index.ts';
import type { WebhookRequest } from '../../../connectors/contract/index.ts';
import { supportedCrms } from '../../../cli/connector-registry.ts';
import { InMemoryTokenStore, RateBudgetRegistry } from '../../../connectors/runtime/index.ts';
import { createZohoConnector, watchChannelId, zohoConnectionForm } from '../../../connectors/zoho/index.ts';
import { countCalls, setFaults } from '../contract-suite/sandbox-control.ts';
import { startWebhookReceiver } from '../webhook-receiver.ts';
import { CREDENTIALS, sandboxToken } from './harness.ts';
import { connect, start } from './helpers.ts';
import { thrown } from '../thrown-connector-error.ts';

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

/** A delivery as Zoho's Notifications API sends it. */
const delivery = (fields: Record<string, unknown> = {}) => ({
  server_time: 1_765_100_000_123, query_params: {}, module: 'Contacts', resource_uri: 'http://127.0.0.1:9/crm/v8/Contacts',
  ids: [ID1, ID2], operation: 'insert', channel_id: CHANNEL, token: WEBHOOK_TOKEN, ...fields,
});
const request = (body: string | Uint8Array): WebhookRequest => ({
  method: 'POST', url: 'http://gw/webhooks/zoho-hooks', headers: { 'content-type': 'application/json' }, rawBody: body,
});
const json = (fields: Record<string, unknown> = {}) => JSON.stringify(delivery(fields));

describe('Zoho webhooks: verify', () => {
  it('exist only when a webhook token is configured', () => {
    expect(offline().webhooks).toBeUndefined();
    expect(offline('').webhooks).toBeUndefined();
    expect(handler().ensureSubscriptions).toBeTypeOf('function');
    expect(handler().subscriptionsPage).toMatch(/no watch channels in its UI/);
  });

  it('the stored connection form\'s webhook token turns them on in the connector the product builds', () => {
    const row = { id: 'zoho-hooks', crm: 'zoho', name: 'Zoho', baseUrl: 'https://www.zohoapis.eu', settings: {}, status: 'active', statusReason: null };
    const deps = { tokenStore: new InMemoryTokenStore(), onNeedsReauthorisation: async () => {} };
    const values = { clientId: CREDENTIALS.clientId, clientSecret: CREDENTIALS.clientSecret, refreshToken: CREDENTIALS.refreshToken };
    const build = (v: Record<string, string>) => supportedCrms.zoho!.buildConnector(row, zohoConnectionForm.toCredentials('refresh-token', v), deps);
    expect(build(values).webhooks).toBeUndefined();
    const hooks = build({ ...values, webhookToken: WEBHOOK_TOKEN }).webhooks!;
    expect(hooks.verify(request(json()))).toBe(true);
    expect(hooks.verify(request(json({ token: 'zh-wt-wrong-1f4a7c2e9b5d' })))).toBe(false);
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

// ---- Watch channels in the Zoho sandbox, spoken to over its HTTP API like any other Zoho client ----

const CONNECTOR_ID = 'zoho-hooks-main';
const OWN_CHANNEL = watchChannelId(CONNECTOR_ID);
const PUBLIC = 'https://gw.example.test';
const TARGET = `${PUBLIC}/webhooks/${CONNECTOR_ID}`;
const DAY = 86_400_000;

interface ListedChannel { channel_id: string; notify_url: string; token: string | null; channel_expiry: string; events: Array<{ resource_name: string }> }

async function setup(options: { webhookToken?: string; retry?: { maxAttempts: number } } = {}) {
  const sandbox = await start();
  const connector = connect(sandbox, { connectorId: CONNECTOR_ID, webhookToken: options.webhookToken ?? WEBHOOK_TOKEN, ...(options.retry ? { retry: options.retry } : {}) });
  const token = await sandboxToken(sandbox);
  const watch = async (method: string, body?: unknown, query = '') => fetch(`${sandbox.url}/crm/v8/actions/watch${query}`, {
    method, headers: { authorization: `Zoho-oauthtoken ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  /** A channel made by someone else through the API (another gateway, an old URL, another tool). */
  const subscribe = async (channel: Record<string, unknown>) => {
    const res = await watch('POST', { watch: [{ events: ['Contacts.all'], token: 'other-tool-token', ...channel }] });
    expect(res.status).toBe(200);
  };
  const listed = async (): Promise<ListedChannel[]> => {
    const res = await watch('GET');
    return res.status === 204 ? [] : ((await res.json()) as { watch: ListedChannel[] }).watch;
  };
  return { sandbox, connector, handler: connector.webhooks!, watch, subscribe, listed };
}

const watchCalls = (routes: Record<string, number>) => Object.fromEntries(Object.entries(routes).filter(([route]) => route.endsWith('/actions/watch')));
const inDays = (days: number) => new Date(Math.floor((Date.now() + days * DAY) / 1000) * 1000).toISOString().replace('.000Z', '+00:00');
const expiryOf = (c: ListedChannel | undefined) => Date.parse(c!.channel_expiry) - Date.now();

describe('Zoho webhooks: watch channels in the sandbox', () => {
  it('creates one channel (Contacts, Accounts, Deals; this URL and token; 7 days); a second call finds it and makes nothing', async () => {
    const { sandbox, handler, listed } = await setup();
    expect(await handler.ensureSubscriptions!(TARGET)).toEqual({ existing: [], created: [OWN_CHANNEL], removed: [], notRemoved: [] });
    const [channel, ...more] = await listed();
    expect(more).toEqual([]);
    expect(channel).toMatchObject({ channel_id: OWN_CHANNEL, notify_url: TARGET, token: WEBHOOK_TOKEN, notify_on_related_action: false });
    expect(channel!.events.map((e) => e.resource_name).sort()).toEqual(['Accounts', 'Contacts', 'Deals']);
    expect(expiryOf(channel)).toBeGreaterThan(7 * DAY - 5 * 60_000);
    const { result, calls } = await countCalls(sandbox, () => handler.ensureSubscriptions!(TARGET));
    expect(result).toEqual({ existing: [OWN_CHANNEL], created: [], removed: [], notRemoved: [] });
    expect(calls.routes).toEqual({ 'GET /crm/v8/actions/watch': 1 });
  });

  it('renews its channel by PATCH when less than a day is left, and when the token changed', async () => {
    const { sandbox, handler, subscribe, listed } = await setup();
    await subscribe({ channel_id: OWN_CHANNEL, events: ['Contacts.all', 'Accounts.all', 'Deals.all'], notify_url: TARGET, token: WEBHOOK_TOKEN, channel_expiry: inDays(0.5) });
    const { result, calls } = await countCalls(sandbox, () => handler.ensureSubscriptions!(TARGET));
    expect(result).toEqual({ existing: [], created: [OWN_CHANNEL], removed: [], notRemoved: [] });
    // The first call also fetches an access token; no POST: the channel is updated in place.
    expect(watchCalls(calls.routes)).toEqual({ 'GET /crm/v8/actions/watch': 1, 'PATCH /crm/v8/actions/watch': 1 });
    expect(expiryOf((await listed())[0])).toBeGreaterThan(6.9 * DAY);
    // Two days left is enough; a channel made with another token is not.
    const renewed = await setup({ webhookToken: 'zh-wt-rotated-4b8e2c6a0f3d9e1b' });
    await renewed.subscribe({ channel_id: watchChannelId(CONNECTOR_ID), events: ['Contacts.all', 'Accounts.all', 'Deals.all'], notify_url: TARGET, token: WEBHOOK_TOKEN, channel_expiry: inDays(2) });
    expect(await renewed.handler.ensureSubscriptions!(TARGET)).toMatchObject({ existing: [], created: [OWN_CHANNEL] });
    expect((await renewed.listed())[0]).toMatchObject({ token: 'zh-wt-rotated-4b8e2c6a0f3d9e1b' });
    expect(await renewed.handler.ensureSubscriptions!(TARGET)).toMatchObject({ existing: [OWN_CHANNEL], created: [] });
  });

  it('moves its channel to a new URL, removes its own channels at an old host, never another tool\'s', async () => {
    const { handler, subscribe, listed } = await setup();
    const OLD = `https://old-gw.example.test/webhooks/${CONNECTOR_ID}`;
    await subscribe({ channel_id: OWN_CHANNEL, events: ['Contacts.all', 'Accounts.all', 'Deals.all'], notify_url: OLD, token: WEBHOOK_TOKEN, channel_expiry: inDays(5) });
    await subscribe({ channel_id: '1111111111111', notify_url: `https://old-gw.example.test/base/webhooks/${CONNECTOR_ID}` });
    await subscribe({ channel_id: '2222222222222', notify_url: 'https://other-tool.example.test/zoho/hook' });
    await subscribe({ channel_id: '3333333333333', notify_url: `${PUBLIC}/webhooks/${CONNECTOR_ID}-other` });
    expect(await handler.ensureSubscriptions!(TARGET)).toEqual({ existing: [], created: [OWN_CHANNEL], removed: ['1111111111111'], notRemoved: [] });
    const after = await listed();
    expect(after.map((c) => [c.channel_id, c.notify_url]).sort()).toEqual([
      [OWN_CHANNEL, TARGET], ['2222222222222', 'https://other-tool.example.test/zoho/hook'], ['3333333333333', `${PUBLIC}/webhooks/${CONNECTOR_ID}-other`],
    ].sort());
  });

  it('removeSubscriptions deletes every channel at its path (any host), keeps the rest; a second run removes nothing', async () => {
    const { handler, subscribe, listed } = await setup();
    await handler.ensureSubscriptions!(TARGET);
    await subscribe({ channel_id: '1111111111111', notify_url: `https://old-gw.example.test/webhooks/${CONNECTOR_ID}` });
    await subscribe({ channel_id: '2222222222222', notify_url: 'https://other-tool.example.test/zoho/hook' });
    const first = await handler.removeSubscriptions!();
    expect(first.removed.sort()).toEqual([OWN_CHANNEL, '1111111111111'].sort());
    expect(first.notRemoved).toEqual([]);
    expect((await listed()).map((c) => c.channel_id)).toEqual(['2222222222222']);
    expect(await handler.removeSubscriptions!()).toEqual({ removed: [], notRemoved: [] });
  });

  it('a stale channel Zoho fails to delete is reported in notRemoved; the wanted one is in place', async () => {
    const { sandbox, handler, subscribe, listed } = await setup({ retry: { maxAttempts: 1 } });
    await subscribe({ channel_id: '1111111111111', notify_url: `https://old-gw.example.test/webhooks/${CONNECTOR_ID}` });
    await setFaults(sandbox, [{ kind: 'server-error', rate: 1, match: '^DELETE /crm/v8/actions/watch' }]);
    const report = await handler.ensureSubscriptions!(TARGET);
    expect(report).toMatchObject({ created: [OWN_CHANNEL], removed: [] });
    expect(report.notRemoved).toEqual([expect.objectContaining({ id: '1111111111111', url: `https://old-gw.example.test/webhooks/${CONNECTOR_ID}` })]);
    expect((await listed()).map((c) => c.channel_id).sort()).toEqual([OWN_CHANNEL, '1111111111111'].sort());
  });

  it('a stale channel another gateway deleted between the list and the delete counts as gone: neither removed nor notRemoved', async () => {
    const { sandbox, watch, subscribe, listed } = await setup();
    await subscribe({ channel_id: '1111111111111', notify_url: `https://old-gw.example.test/webhooks/${CONNECTOR_ID}` });
    // In front of the sandbox: once the channel list has been answered, the other gateway deletes the stale channel.
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => void (async () => {
        const body = Buffer.concat(chunks);
        // Only what Zoho reads: hop-by-hop and length headers are fetch's own business.
        const headers = Object.fromEntries(['authorization', 'content-type', 'accept'].flatMap((h) => (typeof req.headers[h] === 'string' ? [[h, req.headers[h]]] : [])));
        const answer = await fetch(`${sandbox.url}${req.url ?? '/'}`, { method: req.method, headers, body: body.length ? body : undefined });
        const text = await answer.text();
        if (req.method === 'GET' && req.url?.startsWith('/crm/v8/actions/watch')) await watch('DELETE', undefined, '?channel_ids=1111111111111');
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(text);
      })().catch(() => res.destroy()));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const viaProxy = connect(sandbox, { connectorId: CONNECTOR_ID, webhookToken: WEBHOOK_TOKEN, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      expect(await viaProxy.webhooks!.ensureSubscriptions!(TARGET)).toEqual({ existing: [], created: [OWN_CHANNEL], removed: [], notRemoved: [] });
      expect((await listed()).map((c) => c.channel_id)).toEqual([OWN_CHANNEL]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('what Zoho delivers after a write verifies and parses into the written record\'s event', async () => {
    const { handler, connector } = await setup();
    const hook = await startWebhookReceiver(`/webhooks/${CONNECTOR_ID}`);
    try {
      await handler.ensureSubscriptions!(hook.url);
      const [written] = await connector.createMany('Contacts', [{ fields: { Last_Name: 'Hooked', Email: 'hooked@example.test' } }]);
      expect(written).toMatchObject({ ok: true });
      const id = (written as { id: string }).id;
      await expect.poll(() => hook.deliveries.length, { timeout: 5_000 }).toBeGreaterThan(0);
      const delivery = hook.deliveries[0]!;
      expect(handler.verify(delivery)).toBe(true);
      expect(handler.parse(delivery.rawBody)).toEqual([
        expect.objectContaining({ objectType: 'Contacts', recordId: id, kind: 'created', eventId: expect.stringMatching(new RegExp(`^${OWN_CHANNEL}:\\d+:insert:${id}$`)) }),
      ]);
    } finally {
      await hook.close();
    }
  });

  it('never puts the webhook token in an error: a token Zoho cannot take, a channel Zoho refuses', async () => {
    const tooLong = `zh-wt-${'9c4e'.repeat(12)}`;
    const long = await setup({ webhookToken: tooLong });
    const err = await long.handler.ensureSubscriptions!(TARGET).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CRM_VALIDATION', crm: 'zoho' });
    expect(JSON.stringify({ message: (err as Error).message, details: (err as ConnectorError).details })).not.toContain(tooLong);
    const { handler } = await setup();
    const refused = await handler.ensureSubscriptions!(`ftp://gw.example.test/webhooks/${CONNECTOR_ID}?t=${WEBHOOK_TOKEN}`).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'CRM_VALIDATION', details: expect.objectContaining({ fields: ['notify_url'] }) });
    expect(`${(refused as Error).message} ${(refused as Error).stack ?? ''} ${JSON.stringify((refused as ConnectorError).details)}`).not.toContain(WEBHOOK_TOKEN);
  });
});
