/**
 * Pipedrive webhooks: the connector subscribes through the sandbox's webhook API, the sandbox delivers v2 events
 * to a real local receiver, and the connector's handler checks the Basic credentials and parses what arrived.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectorError } from '../../../connectors/contract/index.ts';
import type { WebhookRequest } from '../../../connectors/contract/index.ts';
import { createPipedriveConnector } from '../../../connectors/pipedrive/index.ts';
import type { PipedriveWebhookEvent } from '../../../connectors/pipedrive/index.ts';
import { RateBudgetRegistry } from '../../../connectors/runtime/index.ts';
import type { RunningPipedriveSandbox } from '../../../sandboxes/pipedrive/index.ts';
import { CREDENTIALS, startPipedrive } from './harness.ts';
import { startWebhookReceiver } from '../webhook-receiver.ts';

const WEBHOOK_AUTH = { user: 'cg-hooks', password: 'pd-wh-9f3b7c1e5a2d8c4f6b0e' };
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

/** A receiver that records each delivery exactly as it arrived. */
async function receiver() {
  const hook = await startWebhookReceiver('/webhooks/pd-main', 200);
  closers.push(() => hook.close());
  return hook;
}

async function setup() {
  const sandbox: RunningPipedriveSandbox = await startPipedrive();
  closers.push(() => sandbox.close());
  const connector = createPipedriveConnector({
    connectorId: 'pd-main', baseUrl: sandbox.url, auth: { kind: 'api-token', apiToken: CREDENTIALS.apiToken },
    registry: new RateBudgetRegistry(), webhookAuth: WEBHOOK_AUTH,
  });
  return { sandbox, connector, handler: connector.webhooks! };
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const request = (authorization: string | undefined, body = '{}'): WebhookRequest => ({
  method: 'POST', url: 'http://gw/webhooks/pd-main', headers: authorization === undefined ? {} : { authorization }, rawBody: body,
});
const api = (sandbox: RunningPipedriveSandbox, method: string, path: string, body?: unknown) => fetch(`${sandbox.url}${path}`, {
  method, headers: { 'content-type': 'application/json', 'x-api-token': CREDENTIALS.apiToken }, body: body === undefined ? undefined : JSON.stringify(body),
});
const listed = async (sandbox: RunningPipedriveSandbox) =>
  ((await (await api(sandbox, 'GET', '/api/v1/webhooks')).json()) as { data: Array<Record<string, unknown> & { id: number }> }).data;
/** A subscription made by someone else through the API (another gateway, another tool); its id. */
async function subscribe(sandbox: RunningPipedriveSandbox, fields: Record<string, unknown>): Promise<string> {
  const body = { event_action: '*', event_object: 'person', version: '2.0', http_auth_user: WEBHOOK_AUTH.user, http_auth_password: WEBHOOK_AUTH.password, ...fields };
  const res = await api(sandbox, 'POST', '/api/v1/webhooks', body);
  expect(res.status).toBe(201);
  return String(((await res.json()) as { data: { id: number } }).data.id);
}
const faults = (sandbox: RunningPipedriveSandbox, rules: unknown[]) =>
  fetch(`${sandbox.url}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rules) });

describe('Pipedrive webhooks', () => {
  it('takes webhooks only when webhook credentials are configured', async () => {
    const sandbox = await startPipedrive();
    closers.push(() => sandbox.close());
    const plain = createPipedriveConnector({ connectorId: 'pd-plain', baseUrl: sandbox.url, auth: { kind: 'api-token', apiToken: CREDENTIALS.apiToken }, registry: new RateBudgetRegistry() });
    expect(plain.webhooks).toBeUndefined();
  });

  it('accepts exactly the configured Basic credentials', async () => {
    const { handler } = await setup();
    expect(handler.verify(request(basic(WEBHOOK_AUTH.user, WEBHOOK_AUTH.password)))).toBe(true);
    expect(handler.verify(request(basic(WEBHOOK_AUTH.user, 'wrong')))).toBe(false);
    expect(handler.verify(request(basic('someone-else', WEBHOOK_AUTH.password)))).toBe(false);
    expect(handler.verify(request(undefined))).toBe(false);
    expect(handler.verify(request(`Bearer ${WEBHOOK_AUTH.password}`))).toBe(false);
  });

  it('subscribes once per object, and finds its subscriptions again instead of duplicating them', async () => {
    const { sandbox, handler } = await setup();
    const target = 'http://127.0.0.1:9/webhooks/pd-main';
    const first = await handler.ensureSubscriptions!(target);
    expect(first.created).toHaveLength(3);
    expect(first.existing).toEqual([]);
    const second = await handler.ensureSubscriptions!(target);
    expect(second.created).toEqual([]);
    expect(second.existing.sort()).toEqual(first.created.sort());
    const subs = await listed(sandbox);
    expect(subs.map((s) => s.event_object).sort()).toEqual(['deal', 'organization', 'person']);
    for (const s of subs) expect(s).toMatchObject({ subscription_url: target, event_action: '*', version: '2.0', http_auth_user: WEBHOOK_AUTH.user });
    // Another connector's path (a second deployment) gets its own subscriptions and leaves these alone.
    const other = await handler.ensureSubscriptions!('http://127.0.0.1:9/webhooks/pd-other');
    expect(other).toMatchObject({ existing: [], removed: [] });
    expect(other.created).toHaveLength(3);
    expect((await listed(sandbox)).filter((s) => s.subscription_url === target)).toHaveLength(3);
  });

  it('moves its subscriptions to a new public URL: the new ones made first, the old ones of its path removed, others kept', async () => {
    const { sandbox, handler } = await setup();
    const old = await handler.ensureSubscriptions!('http://old-gateway.test/base/webhooks/pd-main');
    const foreign = await Promise.all([
      'http://old-gateway.test/hooks/zapier', 'http://old-gateway.test/webhooks/pd-main-2', 'http://old-gateway.test/webhooks/pd-main/extra',
    ].map((url) => subscribe(sandbox, { subscription_url: url })));
    const target = 'http://127.0.0.1:9/webhooks/pd-main';
    // A refused create leaves the old subscriptions delivering: nothing is removed before every new one exists.
    await faults(sandbox, [{ kind: 'server-error', match: '^POST /api/v1/webhooks$', rate: 1, remaining: 1 }]);
    await expect(handler.ensureSubscriptions!(target)).rejects.toMatchObject({ code: 'CRM_UNAVAILABLE' });
    expect((await listed(sandbox)).map((s) => String(s.id)).sort()).toEqual([...old.created, ...foreign].sort());
    await faults(sandbox, []);

    const moved = await handler.ensureSubscriptions!(target);
    expect(moved.existing).toEqual([]);
    expect(moved.created).toHaveLength(3);
    expect(moved.removed.sort()).toEqual([...old.created].sort());
    const after = await listed(sandbox);
    expect(after.filter((s) => s.subscription_url === target).map((s) => s.event_object).sort()).toEqual(['deal', 'organization', 'person']);
    expect(after.filter((s) => s.subscription_url !== target).map((s) => String(s.id)).sort()).toEqual(foreign.sort());
  });

  it('replaces subscriptions of its path made with another webhook user, or for objects and actions it does not want', async () => {
    const { sandbox, handler } = await setup();
    const target = 'http://127.0.0.1:9/webhooks/pd-main';
    const stale = await Promise.all([
      { event_object: 'person', http_auth_user: 'old-user' },
      { event_object: 'deal', http_auth_user: null },
      { event_object: 'activity' },
      { event_object: 'organization', event_action: 'change' },
    ].map((s) => subscribe(sandbox, { subscription_url: target, ...s })));
    const report = await handler.ensureSubscriptions!(target);
    expect(report).toMatchObject({ existing: [] });
    expect(report.created).toHaveLength(3);
    expect(report.removed.sort()).toEqual(stale.sort());
    const after = await listed(sandbox);
    expect(after.map((s) => String(s.id)).sort()).toEqual([...report.created].sort());
    for (const s of after) expect(s).toMatchObject({ event_action: '*', http_auth_user: WEBHOOK_AUTH.user });
  });

  it('keeps one of two subscriptions made for the same object at the same URL (two gateways started at once)', async () => {
    const { sandbox, handler } = await setup();
    const target = 'http://127.0.0.1:9/webhooks/pd-main';
    const first = await handler.ensureSubscriptions!(target);
    // The same three again, as a second gateway that listed before the first created anything would make them.
    const again = await Promise.all(['person', 'organization', 'deal'].map((event_object) => subscribe(sandbox, { subscription_url: target, event_object })));
    expect(await listed(sandbox)).toHaveLength(6);
    const report = await handler.ensureSubscriptions!(target);
    expect(report).toMatchObject({ created: [] });
    // The oldest of each pair stays, so two gateways tidying at once keep the same one.
    expect(report.existing.sort()).toEqual([...first.created].sort());
    expect(report.removed.sort()).toEqual(again.sort());
    expect(await listed(sandbox)).toHaveLength(3);
    // Running again changes nothing.
    expect(await handler.ensureSubscriptions!(target)).toEqual({ existing: report.existing, created: [], removed: [], notRemoved: [] });
    expect(await listed(sandbox)).toHaveLength(3);
  });

  it('keeps the new subscriptions when a stale one cannot be deleted, and reports which one and why', async () => {
    const { sandbox, handler } = await setup();
    const stale = await subscribe(sandbox, { subscription_url: 'http://old-gateway.test/webhooks/pd-main' });
    const target = 'http://127.0.0.1:9/webhooks/pd-main';
    await faults(sandbox, [{ kind: 'server-error', match: '^DELETE /api/v1/webhooks/', rate: 1 }]);
    const report = await handler.ensureSubscriptions!(target);
    expect(report.created).toHaveLength(3);
    expect(report.removed).toEqual([]);
    expect(report.notRemoved).toEqual([{ id: stale, url: 'http://old-gateway.test/webhooks/pd-main', reason: expect.any(String) }]);
    expect(report.notRemoved[0]!.reason).not.toBe('');
    await faults(sandbox, []);
    // The next run tidies it.
    expect(await handler.ensureSubscriptions!(target)).toEqual({ existing: report.created, created: [], removed: [stale], notRemoved: [] });
  }, 30_000);

  it('removes every subscription of its own path on any host, never another path\'s, and removes nothing more when run again', async () => {
    const { sandbox, handler } = await setup();
    const current = await handler.ensureSubscriptions!('http://127.0.0.1:9/webhooks/pd-main');
    const old = await subscribe(sandbox, { subscription_url: 'http://old-gateway.test/base/webhooks/pd-main/', http_auth_user: 'old-user' });
    const foreign = await Promise.all([
      'http://127.0.0.1:9/webhooks/pd-other', 'http://127.0.0.1:9/webhooks/pd-main-2', 'http://127.0.0.1:9/webhooks/pd-main/extra', 'http://127.0.0.1:9/hooks/zapier',
    ].map((url) => subscribe(sandbox, { subscription_url: url })));
    const first = await handler.removeSubscriptions!();
    expect(first.removed.sort()).toEqual([...current.created, old].sort());
    expect(first.notRemoved).toEqual([]);
    expect((await listed(sandbox)).map((s) => String(s.id)).sort()).toEqual([...foreign].sort());
    expect(await handler.removeSubscriptions!()).toEqual({ removed: [], notRemoved: [] });
    expect((await listed(sandbox)).map((s) => String(s.id)).sort()).toEqual([...foreign].sort());
  });

  it('reports the subscriptions it could not remove, and throws when it cannot list them', async () => {
    const { sandbox, handler } = await setup();
    const current = await handler.ensureSubscriptions!('http://127.0.0.1:9/webhooks/pd-main');
    await faults(sandbox, [{ kind: 'server-error', match: '^DELETE /api/v1/webhooks/', rate: 1 }]);
    const refused = await handler.removeSubscriptions!();
    expect(refused.removed).toEqual([]);
    expect(refused.notRemoved.map((n) => [n.id, n.url])).toEqual([...current.created].sort((a, b) => Number(a) - Number(b)).map((id) => [id, 'http://127.0.0.1:9/webhooks/pd-main']));
    await faults(sandbox, [{ kind: 'server-error', match: '^GET /api/v1/webhooks$', rate: 1 }]);
    await expect(handler.removeSubscriptions!()).rejects.toMatchObject({ code: 'CRM_UNAVAILABLE' });
    await faults(sandbox, []);
    expect(await listed(sandbox)).toHaveLength(3);
  }, 60_000);

  it('parses what the sandbox delivers for a create, a change and a delete, with the credentials it subscribed with', async () => {
    const { sandbox, handler } = await setup();
    const hook = await receiver();
    await handler.ensureSubscriptions!(hook.url);
    const created = (await (await api(sandbox, 'POST', '/api/v2/persons', { name: 'Grace Hopper', emails: [{ value: 'grace@navy.test', primary: true }] })).json()) as { data: { id: number } };
    const id = String(created.data.id);
    await api(sandbox, 'PATCH', `/api/v2/persons/${id}`, { phones: [{ value: '+1 212 555 0199', primary: true }] });
    await api(sandbox, 'DELETE', `/api/v2/persons/${id}`);
    await vi.waitFor(() => expect(hook.deliveries).toHaveLength(3), { timeout: 10_000, interval: 50 });

    for (const d of hook.deliveries) expect(handler.verify(d)).toBe(true);
    const events = hook.deliveries.flatMap((d) => handler.parse(d.rawBody) as PipedriveWebhookEvent[]);
    expect(events.map((e) => [e.objectType, e.recordId, e.kind])).toEqual([['persons', id, 'created'], ['persons', id, 'updated'], ['persons', id, 'deleted']]);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(3);
    // `previous` holds only what changed, under v2 keys: the contract names the native field.
    expect(events[1]!.changedFields).toEqual(['phone']);
    expect(events[1]!.changeSource).toBe('api');
    for (const e of events) expect(Date.parse(e.occurredAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('acknowledges events of objects it does not sync with no events, and refuses malformed bodies', async () => {
    const { handler } = await setup();
    const meta = { action: 'change', entity: 'activity', entity_id: '7', id: 'e-1', timestamp: new Date().toISOString(), version: '2.0' };
    expect(handler.parse(JSON.stringify({ data: {}, previous: {}, meta }))).toEqual([]);
    const bad = (body: string) => {
      try {
        handler.parse(body);
      } catch (err) {
        return (err as ConnectorError).code;
      }
      return 'parsed';
    };
    expect(bad('{not json')).toBe('CRM_VALIDATION');
    expect(bad('[]')).toBe('CRM_VALIDATION');
    expect(bad(JSON.stringify({ data: {} }))).toBe('CRM_VALIDATION');
    expect(bad(JSON.stringify({ meta: { ...meta, entity: 'person', entity_id: undefined } }))).toBe('CRM_VALIDATION');
    expect(bad(JSON.stringify({ meta: { ...meta, entity: 'person', action: 'explode' } }))).toBe('CRM_VALIDATION');
    expect(new ConnectorError('CRM_VALIDATION', 'pipedrive', 'x')).toBeInstanceOf(Error);
  });

  it('reads v1 deliveries of older subscriptions, with an event id that stays the same on a retry', async () => {
    const { handler } = await setup();
    const body = { v: 1, meta: { v: 1, action: 'updated', object: 'organization', id: 42, webhook_id: '9', timestamp: 1_739_827_618, timestamp_micro: 1_739_827_618_595_189 }, current: { id: 42 }, previous: { id: 42 }, retry: 0 };
    const [first] = handler.parse(JSON.stringify(body));
    const [retry] = handler.parse(JSON.stringify({ ...body, retry: 1 }));
    expect(first).toMatchObject({ objectType: 'organizations', recordId: '42', kind: 'updated', occurredAt: '2025-02-17T21:26:58.000Z' });
    expect(retry!.eventId).toBe(first!.eventId);
  });
});
