import { describe, expect, it, vi } from 'vitest';
import { call, control, startSandbox } from './helpers.ts';
import { startLoopbackReceiver } from '../support/loopback-receiver.ts';
import type { RunningPipedriveSandbox } from '../../../sandboxes/pipedrive/index.ts';

const startReceiver = (statuses: number[] = []) => startLoopbackReceiver({ statuses });

async function subscribe(sandbox: RunningPipedriveSandbox, body: Record<string, unknown>) {
  const answer = await call(sandbox, 'POST', '/api/v1/webhooks', body);
  expect(answer.status).toBe(201);
  return answer.body.data;
}

const drained = (sandbox: RunningPipedriveSandbox) => vi.waitFor(() => expect(sandbox.webhooks.pending()).toBe(0), { timeout: 10_000, interval: 10 });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('Pipedrive sandbox: webhook subscriptions', () => {
  it('creates, lists and deletes subscriptions; never echoes the password', async () => {
    const sandbox = await startSandbox();
    const created = await call(sandbox, 'POST', '/api/v1/webhooks', {
      subscription_url: 'https://example.test/hook', event_action: '*', event_object: 'person', http_auth_user: 'u', http_auth_password: 'secret', name: 'sync',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      success: true, status: 'ok',
      data: {
        id: 1, company_id: 1, owner_id: 1, user_id: 1, event_action: '*', event_object: 'person', subscription_url: 'https://example.test/hook',
        version: '2.0', is_active: 1, add_time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/), remove_time: null, type: 'general',
        http_auth_user: 'u', http_auth_password: null, name: 'sync', last_delivery_time: null, last_http_status: null,
      },
    });
    expect(JSON.stringify(created.body)).not.toContain('secret');
    const second = await subscribe(sandbox, { subscription_url: 'http://example.test/2', event_action: 'create', event_object: 'activity', version: '2.0' });
    expect(second).toMatchObject({ id: 2, http_auth_user: null, event_object: 'activity' });

    const listed = await call(sandbox, 'GET', '/api/v1/webhooks');
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({ success: true, status: 'ok', data: [created.body.data, second] });
    expect(JSON.stringify(listed.body)).not.toContain('secret');

    expect((await call(sandbox, 'DELETE', '/api/v1/webhooks/1')).body).toEqual({ success: true, status: 'ok' });
    expect((await call(sandbox, 'GET', '/api/v1/webhooks')).body.data.map((w: { id: number }) => w.id)).toEqual([2]);
    for (const id of ['1', '99', 'abc']) {
      const gone = await call(sandbox, 'DELETE', `/api/v1/webhooks/${id}`);
      expect(gone.status).toBe(404);
      expect(gone.body).toMatchObject({ success: false, error: 'Webhook not found', data: null, additional_data: null });
    }
    expect((await call(sandbox, 'GET', '/api/v1/webhooks', undefined, 'none')).status).toBe(401);
  });

  it('refuses bad subscriptions with 400', async () => {
    const sandbox = await startSandbox();
    const ok = { subscription_url: 'https://example.test/hook', event_action: 'change', event_object: 'deal' };
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...ok, subscription_url: undefined }, /subscription_url is required/],
      [{ ...ok, subscription_url: 'ftp://example.test/x' }, /subscription_url/],
      [{ ...ok, subscription_url: 'not a url' }, /subscription_url/],
      [{ ...ok, event_action: undefined }, /event_action is required/],
      [{ ...ok, event_action: 'updated' }, /event_action/],
      [{ ...ok, event_object: undefined }, /event_object is required/],
      [{ ...ok, event_object: 'spaceship' }, /event_object/],
      [{ ...ok, version: '1.0' }, /v2 only/],
      [{ ...ok, version: '3.0' }, /version/],
    ];
    for (const [body, message] of cases) {
      const answer = await call(sandbox, 'POST', '/api/v1/webhooks', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body).toMatchObject({ success: false, data: null });
      expect(answer.body.error).toMatch(message);
    }
    expect((await call(sandbox, 'GET', '/api/v1/webhooks')).body.data).toEqual([]);
  });
});

describe('Pipedrive sandbox: webhook delivery', () => {
  it('delivers a person create, change and delete as v2 events with Basic auth', async () => {
    const sandbox = await startSandbox();
    const receiver = await startReceiver();
    const hook = await subscribe(sandbox, { subscription_url: receiver.url, event_action: '*', event_object: '*', http_auth_user: 'hook', http_auth_password: 'pw' });

    const created = (await call(sandbox, 'POST', '/api/v2/persons', { name: 'Ada Lovelace', emails: ['ada@acme.test'] })).body.data;
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1), { timeout: 10_000 });
    const first = receiver.received[0]!;
    expect(first.headers['content-type']).toBe('application/json');
    expect(first.headers['user-agent']).toBe('Pipedrive Webhooks');
    expect(first.headers.authorization).toBe(`Basic ${Buffer.from('hook:pw').toString('base64')}`);
    expect(first.body).toEqual({
      data: created,
      previous: null,
      meta: {
        action: 'create', entity: 'person', entity_id: String(created.id), id: expect.stringMatching(UUID), correlation_id: expect.stringMatching(UUID),
        timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/), version: '2.0', webhook_id: String(hook.id),
        webhook_owner_id: '1', company_id: '1', user_id: '1', change_source: 'api', is_bulk_edit: false, type: 'general',
        host: new URL(sandbox.url).host, attempt: 1, permitted_user_ids: ['1'],
      },
    });

    const updated = (await call(sandbox, 'PATCH', `/api/v2/persons/${created.id}`, { first_name: 'Augusta', phones: ['+1 555 0100'] })).body.data;
    await vi.waitFor(() => expect(receiver.received).toHaveLength(2), { timeout: 10_000 });
    const change = receiver.received[1]!.body;
    expect(change.data).toEqual(updated);
    expect(change.previous).toEqual({ name: 'Ada Lovelace', first_name: 'Ada', phones: [] });
    expect(change.meta).toMatchObject({ action: 'change', entity: 'person', entity_id: String(created.id), attempt: 1 });
    expect(change.meta.id).not.toBe(first.body.meta.id);

    await call(sandbox, 'DELETE', `/api/v2/persons/${created.id}`);
    await vi.waitFor(() => expect(receiver.received).toHaveLength(3), { timeout: 10_000 });
    const deletion = receiver.received[2]!.body;
    expect(deletion.data).toBeNull();
    expect(deletion.previous).toEqual(updated);
    expect(deletion.meta).toMatchObject({ action: 'delete', entity: 'person', entity_id: String(created.id) });
    expect(receiver.received[2]!.headers.authorization).toBe(first.headers.authorization);

    await drained(sandbox);
    expect(sandbox.webhooks.delivered).toBe(3);
    const state = (await control(sandbox, 'GET', '/pipedrive/webhooks')).body;
    expect(state).toMatchObject({ enabled: true, retryDelaysMs: [3000, 30000, 150000], timeoutMs: 10000, pending: 0, delivered: 3, deadLettered: 0 });
    expect(state.subscriptions[0]).toMatchObject({ id: hook.id, last_http_status: 200, last_delivery_time: expect.any(String), http_auth_password: null });
  });

  it('puts changed custom values in previous as the whole custom_fields object', async () => {
    const sandbox = await startSandbox();
    const receiver = await startReceiver();
    const field = (await call(sandbox, 'POST', '/api/v1/dealFields', { name: 'Region', field_type: 'varchar' })).body.data;
    // Seeded with an old update_time, so the change moves it: previous must still leave it out.
    await control(sandbox, 'POST', '/pipedrive/seed', { deals: [{ id: 7, title: 'Big', update_time: '2024-05-01T12:00:00Z', custom_fields: { [field.key]: 'EMEA' } }] });
    await subscribe(sandbox, { subscription_url: receiver.url, event_action: 'change', event_object: 'deal' });
    await call(sandbox, 'PATCH', '/api/v2/deals/7', { custom_fields: { [field.key]: 'APAC' }, value: 10 });
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1), { timeout: 10_000 });
    expect(receiver.received[0]!.body.previous).toEqual({ value: 0, custom_fields: { [field.key]: 'EMEA' } });
    expect(receiver.received[0]!.body.data).toMatchObject({ id: 7, custom_fields: { [field.key]: 'APAC' } });
    expect(receiver.received[0]!.body.data.update_time).not.toBe('2024-05-01T12:00:00Z');
  });

  it('only delivers to subscriptions whose object and action match', async () => {
    const sandbox = await startSandbox();
    const deals = await startReceiver();
    const personCreates = await startReceiver();
    await subscribe(sandbox, { subscription_url: deals.url, event_action: '*', event_object: 'deal' });
    await subscribe(sandbox, { subscription_url: personCreates.url, event_action: 'create', event_object: 'person' });
    const person = (await call(sandbox, 'POST', '/api/v2/persons', { name: 'Grace' })).body.data;
    await call(sandbox, 'PATCH', `/api/v2/persons/${person.id}`, { name: 'Grace Hopper' });
    await call(sandbox, 'POST', '/api/v2/organizations', { name: 'Acme' });
    await drained(sandbox);
    expect(deals.received).toEqual([]);
    expect(personCreates.received.map((r) => r.body.meta.action)).toEqual(['create']);
    await call(sandbox, 'POST', '/api/v2/deals', { title: 'Deal' });
    await vi.waitFor(() => expect(deals.received).toHaveLength(1), { timeout: 10_000 });
    expect(deals.received[0]!.body.meta).toMatchObject({ entity: 'deal', action: 'create' });
    expect(deals.received[0]!.headers.authorization).toBeUndefined();
  });

  it('retries a failed delivery with the same event id and a growing attempt, then dead-letters', async () => {
    const sandbox = await startSandbox();
    const put = await control(sandbox, 'PUT', '/pipedrive/webhooks', { retryDelaysMs: [20, 20] });
    expect(put.body).toMatchObject({ enabled: true, retryDelaysMs: [20, 20] });
    const flaky = await startReceiver([500]);
    await subscribe(sandbox, { subscription_url: flaky.url, event_action: 'create', event_object: 'person' });
    await call(sandbox, 'POST', '/api/v2/persons', { name: 'Ada' });
    await vi.waitFor(() => expect(flaky.received).toHaveLength(2), { timeout: 10_000 });
    expect(flaky.received.map((r) => r.body.meta.attempt)).toEqual([1, 2]);
    expect(flaky.received[1]!.body.meta.id).toBe(flaky.received[0]!.body.meta.id);
    await drained(sandbox);
    expect({ delivered: sandbox.webhooks.delivered, deadLettered: sandbox.webhooks.deadLettered }).toEqual({ delivered: 1, deadLettered: 0 });

    const down = await startReceiver([503, 503, 503, 503]);
    await subscribe(sandbox, { subscription_url: down.url, event_action: 'delete', event_object: 'person' });
    await call(sandbox, 'DELETE', '/api/v2/persons/1');
    await vi.waitFor(() => expect(sandbox.webhooks.deadLettered).toBe(1), { timeout: 10_000 });
    expect(down.received.map((r) => r.body.meta.attempt)).toEqual([1, 2, 3]);
    const log = (await control(sandbox, 'GET', '/pipedrive/webhooks/deliveries')).body;
    expect(log.map((e: { attempt: number; status: number; ok: boolean }) => [e.attempt, e.status, e.ok])).toEqual([
      [1, 500, false], [2, 200, true], [1, 503, false], [2, 503, false], [3, 503, false],
    ]);
    expect(log[0]).toMatchObject({ webhookId: 1, action: 'create', entity: 'person', entityId: '1', eventId: flaky.received[0]!.body.meta.id, at: expect.any(String) });
    const listed = (await call(sandbox, 'GET', '/api/v1/webhooks')).body.data;
    expect(listed.map((w: { last_http_status: number }) => w.last_http_status)).toEqual([200, 503]);
  });

  it('counts a receiver that answers too slowly as failed', async () => {
    const sandbox = await startSandbox();
    await control(sandbox, 'PUT', '/pipedrive/webhooks', { retryDelaysMs: [], timeoutMs: 50 });
    const slow = await startLoopbackReceiver({ delayMs: 2_000 });
    await subscribe(sandbox, { subscription_url: slow.url, event_action: '*', event_object: '*' });
    await call(sandbox, 'POST', '/api/v2/persons', { name: 'Ada' });
    await vi.waitFor(() => expect(sandbox.webhooks.deadLettered).toBe(1), { timeout: 10_000 });
    const [entry] = (await control(sandbox, 'GET', '/pipedrive/webhooks/deliveries')).body;
    expect(entry).toMatchObject({ ok: false, attempt: 1, error: expect.any(String) });
    expect(entry.status).toBeUndefined();
  });

  it('delivers nothing while disabled, and again once enabled', async () => {
    const sandbox = await startSandbox();
    const receiver = await startReceiver();
    await subscribe(sandbox, { subscription_url: receiver.url, event_action: '*', event_object: '*' });
    expect((await control(sandbox, 'PUT', '/pipedrive/webhooks', { enabled: false })).body.enabled).toBe(false);
    expect((await control(sandbox, 'PUT', '/pipedrive/webhooks', { enabled: 'no' })).status).toBe(400);
    expect((await control(sandbox, 'PUT', '/pipedrive/webhooks', { retryDelaysMs: [-1] })).status).toBe(400);
    await call(sandbox, 'POST', '/api/v2/persons', { name: 'Ada' });
    await call(sandbox, 'POST', '/api/v2/deals', { title: 'Deal' });
    await drained(sandbox);
    await control(sandbox, 'PUT', '/pipedrive/webhooks', { enabled: true });
    await call(sandbox, 'POST', '/api/v2/organizations', { name: 'Acme' });
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1), { timeout: 10_000 });
    await drained(sandbox);
    // The two writes made while disabled were dropped, not held back.
    expect(receiver.received.map((r) => r.body.meta.entity)).toEqual(['organization']);
  });

  it('seed loads fire nothing; a reset removes every subscription', async () => {
    const sandbox = await startSandbox();
    const receiver = await startReceiver();
    await subscribe(sandbox, { subscription_url: receiver.url, event_action: '*', event_object: '*' });
    expect((await control(sandbox, 'POST', '/pipedrive/seed', { persons: [{ name: 'Seeded' }] })).status).toBe(200);
    await drained(sandbox);
    expect(receiver.received).toEqual([]);

    expect((await control(sandbox, 'POST', '/reset')).status).toBe(200);
    expect((await call(sandbox, 'GET', '/api/v1/webhooks')).body.data).toEqual([]);
    expect((await control(sandbox, 'GET', '/pipedrive/webhooks')).body.subscriptions).toEqual([]);
    await call(sandbox, 'POST', '/api/v2/persons', { name: 'After reset' });
    await drained(sandbox);
    expect(receiver.received).toEqual([]);
  });

  it('a reset drops pending retries', async () => {
    const sandbox = await startSandbox();
    await control(sandbox, 'PUT', '/pipedrive/webhooks', { retryDelaysMs: [60_000] });
    const failing = await startReceiver([500, 500]);
    await subscribe(sandbox, { subscription_url: failing.url, event_action: '*', event_object: '*' });
    await call(sandbox, 'POST', '/api/v2/persons', { name: 'Ada' });
    await vi.waitFor(() => expect(sandbox.webhooks.log).toHaveLength(1), { timeout: 10_000 });
    expect(sandbox.webhooks.pending()).toBe(1);
    await sandbox.reset();
    expect(sandbox.webhooks.pending()).toBe(0);
    expect(failing.received).toHaveLength(1);
  });
});
