import { describe, expect, it, vi } from 'vitest';
import { api, control, startSandbox } from './helpers.ts';
import { drained, fromNow, startReceiver } from './notify-receiver.ts';
import type { RunningZohoSandbox } from '../../../sandboxes/zoho/index.ts';

async function watch(sandbox: RunningZohoSandbox, item: Record<string, unknown>) {
  const answer = await api(sandbox, 'POST', 'actions/watch', { watch: [item] });
  expect(answer.status, answer.text).toBe(200);
  return answer;
}

const ALL = ['Contacts.all', 'Accounts.all', 'Deals.all'];
const idsOf = (answer: { body: { data: { details: { id: string } }[] } }) => answer.body.data.map((r) => r.details.id);

describe('Zoho sandbox: notification delivery', () => {
  it('POSTs one insert notification per create request with the pinned body to a loopback notify_url', async () => {
    const sandbox = await startSandbox({ empty: true });
    const receiver = await startReceiver();
    await watch(sandbox, { channel_id: '1000000068001', events: ALL, channel_expiry: fromNow(86_400_000), token: 'tok-123', notify_url: receiver.url, notify_on_related_action: false });
    const created = await api(sandbox, 'POST', 'Contacts', { data: [{ Last_Name: 'Lovelace' }, { Last_Name: 'Hopper' }], trigger: [] });
    expect(created.status).toBe(201);
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1), { timeout: 10_000 });
    const [got] = receiver.received;
    expect(got!.headers['content-type']).toBe('application/json');
    expect(got!.body).toEqual({
      server_time: expect.any(Number), query_params: {}, module: 'Contacts', resource_uri: `${sandbox.url}/crm/v8/Contacts`,
      ids: idsOf(created), operation: 'insert', channel_id: '1000000068001', token: 'tok-123',
    });
    expect(Math.abs(got!.body.server_time - Date.now())).toBeLessThan(10_000);
    expect(Object.keys(got!.body)).toEqual(['server_time', 'query_params', 'module', 'resource_uri', 'ids', 'operation', 'channel_id', 'token']);
    await drained(sandbox);
    expect(receiver.received).toHaveLength(1);
    const log = (await control(sandbox, 'GET', '/zoho/notifications/deliveries')).body.deliveries;
    expect(log).toEqual([expect.objectContaining({ channelId: '1000000068001', url: receiver.url, module: 'Contacts', operation: 'insert', ids: idsOf(created), attempt: 1, status: 200, ok: true })]);
  });

  it('update: affected_fields name, per id, the fields the request changed; a delete carries no affected_fields', async () => {
    const sandbox = await startSandbox({ empty: true });
    const receiver = await startReceiver();
    const [a, b] = idsOf(await api(sandbox, 'POST', 'Contacts', { data: [{ Last_Name: 'A', Phone: '1' }, { Last_Name: 'B' }] }));
    await watch(sandbox, { channel_id: '7', events: ['Contacts.all'], notify_url: receiver.url, token: 't' });
    // Phone and First_Name change on a; Last_Name is sent unchanged, so it is not affected.
    const updated = await api(sandbox, 'PUT', 'Contacts', { data: [{ id: a, Phone: '2', Last_Name: 'A', First_Name: 'Ada' }, { id: b, Email: 'b@example.test' }, { id: '1', Phone: 'x' }] });
    expect(updated.status).toBe(207);
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1), { timeout: 10_000 });
    expect(receiver.received[0]!.body).toMatchObject({
      module: 'Contacts', operation: 'update', ids: [a, b], affected_fields: [{ [a!]: ['Phone', 'First_Name'] }, { [b!]: ['Email'] }], channel_id: '7', token: 't',
    });
    expect(Object.keys(receiver.received[0]!.body)).toEqual(['server_time', 'query_params', 'module', 'resource_uri', 'ids', 'affected_fields', 'operation', 'channel_id', 'token']);

    const deleted = await api(sandbox, 'DELETE', `Contacts?ids=${a},${b}`);
    expect(deleted.status).toBe(200);
    await vi.waitFor(() => expect(receiver.received).toHaveLength(2), { timeout: 10_000 });
    expect(receiver.received[1]!.body).toMatchObject({ module: 'Contacts', operation: 'delete', ids: [a, b], channel_id: '7' });
    expect(receiver.received[1]!.body).not.toHaveProperty('affected_fields');
  });

  it('an upsert that inserts and updates sends one insert and one update notification', async () => {
    const sandbox = await startSandbox({ empty: true });
    const receiver = await startReceiver();
    const [existing] = idsOf(await api(sandbox, 'POST', 'Accounts', { data: [{ Account_Name: 'Acme', External_Id: 'acc-1' }] }));
    await watch(sandbox, { channel_id: '8', events: ['Accounts.all'], notify_url: receiver.url, token: 't' });
    const upserted = await api(sandbox, 'POST', 'Accounts/upsert', {
      data: [{ Account_Name: 'Acme Corp', External_Id: 'acc-1' }, { Account_Name: 'Globex', External_Id: 'acc-2' }], duplicate_check_fields: ['External_Id'],
    });
    expect(upserted.body.data.map((r: { action: string }) => r.action)).toEqual(['update', 'insert']);
    await vi.waitFor(() => expect(receiver.received).toHaveLength(2), { timeout: 10_000 });
    await drained(sandbox);
    const byOp = Object.fromEntries(receiver.received.map((r) => [r.body.operation, r.body]));
    expect(Object.keys(byOp).sort()).toEqual(['insert', 'update']);
    expect(byOp.insert).toMatchObject({ module: 'Accounts', ids: [idsOf(upserted)[1]] });
    expect(byOp.insert).not.toHaveProperty('affected_fields');
    expect(byOp.update).toMatchObject({ module: 'Accounts', ids: [existing], affected_fields: [{ [existing!]: ['Account_Name'] }] });
    expect(receiver.received).toHaveLength(2);
  });

  it('notifies only channels whose events cover the module and operation, each with its own token; failed writes and seeds notify nobody', async () => {
    const sandbox = await startSandbox({ empty: true });
    const creates = await startReceiver();
    const everything = await startReceiver();
    await watch(sandbox, { channel_id: '11', events: ['Contacts.create'], notify_url: creates.url, token: 'creates' });
    await watch(sandbox, { channel_id: '12', events: ALL, notify_url: everything.url, token: 'all' });
    const [id] = idsOf(await api(sandbox, 'POST', 'Contacts', { data: [{ Last_Name: 'Lovelace' }] }));
    await api(sandbox, 'PUT', `Contacts/${id}`, { data: [{ Phone: '5' }] });
    await api(sandbox, 'DELETE', `Contacts/${id}`);
    await api(sandbox, 'POST', 'Deals', { data: [{ Deal_Name: 'Big', Stage: 'Qualification' }] });
    expect((await api(sandbox, 'POST', 'Contacts', { data: [{ First_Name: 'no last name' }] })).status).toBe(400);
    await control(sandbox, 'POST', '/zoho/seed', { Contacts: [{ Last_Name: 'Seeded' }] });
    await vi.waitFor(() => expect(everything.received).toHaveLength(4), { timeout: 10_000 });
    await drained(sandbox);
    expect(creates.received.map((r) => [r.body.module, r.body.operation, r.body.token])).toEqual([['Contacts', 'insert', 'creates']]);
    expect(everything.received.map((r) => [r.body.module, r.body.operation, r.body.token])).toEqual([
      ['Contacts', 'insert', 'all'], ['Contacts', 'update', 'all'], ['Contacts', 'delete', 'all'], ['Deals', 'insert', 'all'],
    ]);
  });

  it('retries a failed delivery with the same body after the configured delays, then dead-letters after the last', async () => {
    const sandbox = await startSandbox({ empty: true, notificationRetryDelaysMs: [50, 50] });
    const flaky = await startReceiver([500]);
    await watch(sandbox, { channel_id: '21', events: ['Contacts.all'], notify_url: flaky.url, token: 't' });
    await api(sandbox, 'POST', 'Contacts', { data: [{ Last_Name: 'Retry' }] });
    await vi.waitFor(() => expect(flaky.received).toHaveLength(2), { timeout: 10_000 });
    await drained(sandbox);
    expect(flaky.received[1]!.body).toEqual(flaky.received[0]!.body);
    expect(flaky.received[1]!.at - flaky.received[0]!.at).toBeGreaterThanOrEqual(45);
    let state = (await control(sandbox, 'GET', '/zoho/notifications')).body;
    expect(state).toMatchObject({ paused: false, retryDelaysMs: [50, 50], pending: 0, delivered: 1, deadLettered: 0 });
    const log = (await control(sandbox, 'GET', '/zoho/notifications/deliveries')).body.deliveries;
    expect(log.map((e: { attempt: number; status: number; ok: boolean }) => [e.attempt, e.status, e.ok])).toEqual([[1, 500, false], [2, 200, true]]);

    const down = await startReceiver([503, 503, 503, 503]);
    await api(sandbox, 'PATCH', 'actions/watch', { watch: [{ channel_id: '21', notify_url: down.url }] });
    await api(sandbox, 'POST', 'Contacts', { data: [{ Last_Name: 'Lost' }] });
    await vi.waitFor(() => expect(sandbox.notifications.delivery.deadLettered).toBe(1), { timeout: 10_000 });
    expect(down.received).toHaveLength(3);
    state = (await control(sandbox, 'GET', '/zoho/notifications')).body;
    expect(state).toMatchObject({ delivered: 1, deadLettered: 1 });
  });

  it('a connection failure is retried too; the retry delays can be changed through the control plane', async () => {
    const sandbox = await startSandbox({ empty: true });
    expect((await control(sandbox, 'GET', '/zoho/notifications')).body).toMatchObject({ retryDelaysMs: [1000, 5000, 30000], timeoutMs: 10000 });
    const put = await control(sandbox, 'PUT', '/zoho/notifications', { retryDelaysMs: [30] });
    expect(put.body.retryDelaysMs).toEqual([30]);
    expect((await control(sandbox, 'PUT', '/zoho/notifications', { retryDelaysMs: [-1] })).status).toBe(400);
    // Port 9 on loopback: nothing listens, the connection is refused.
    await watch(sandbox, { channel_id: '22', events: ['Deals.all'], notify_url: 'http://127.0.0.1:9/webhooks/x' });
    await api(sandbox, 'POST', 'Deals', { data: [{ Deal_Name: 'D', Stage: 'Qualification' }] });
    await vi.waitFor(() => expect(sandbox.notifications.delivery.deadLettered).toBe(1), { timeout: 10_000 });
    const log = (await control(sandbox, 'GET', '/zoho/notifications/deliveries')).body.deliveries;
    expect(log).toHaveLength(2);
    expect(log.every((e: { ok: boolean; error?: string; status?: number }) => !e.ok && e.error && e.status === undefined)).toBe(true);
  });
});
