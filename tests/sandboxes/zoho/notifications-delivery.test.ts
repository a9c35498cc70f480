import { describe, expect, it, vi } from 'vitest';
import { api, startSandbox, ZOHO_TIME } from './helpers.ts';
import { drained, fromNow, startReceiver } from './notify-receiver.ts';
import type { RunningZohoSandbox } from '../../../sandboxes/zoho/index.ts';

async function watch(sandbox: RunningZohoSandbox, item: Record<string, unknown>) {
  const answer = await api(sandbox, 'POST', 'actions/watch', { watch: [item] });
  expect(answer.status, answer.text).toBe(200);
  return answer;
}

const ALL = ['Contacts.all', 'Accounts.all', 'Deals.all'];

describe('Zoho sandbox: notification delivery', () => {
  it('POSTs one insert notification per create request with the pinned body to a loopback notify_url', async () => {
    const sandbox = await startSandbox({ empty: true });
    const receiver = await startReceiver();
    await watch(sandbox, { channel_id: '1000000068001', events: ALL, channel_expiry: fromNow(86_400_000), token: 'tok-123', notify_url: receiver.url, notify_on_related_action: false });
    const created = await api(sandbox, 'POST', 'Contacts', { data: [{ Last_Name: 'Lovelace' }, { Last_Name: 'Hopper' }], trigger: [] });
    expect(created.status).toBe(201);
    const ids = created.body.data.map((r: { details: { id: string } }) => r.details.id);
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1), { timeout: 10_000 });
    const [got] = receiver.received;
    expect(got!.headers['content-type']).toBe('application/json');
    expect(got!.body).toEqual({
      server_time: expect.any(Number), query_params: {}, module: 'Contacts', resource_uri: `${sandbox.url}/crm/v8/Contacts`,
      ids, operation: 'insert', channel_id: '1000000068001', token: 'tok-123',
    });
    expect(Math.abs(got!.body.server_time - Date.now())).toBeLessThan(10_000);
    expect(Object.keys(got!.body)).toEqual(['server_time', 'query_params', 'module', 'resource_uri', 'ids', 'operation', 'channel_id', 'token']);
    await drained(sandbox);
    expect(receiver.received).toHaveLength(1);
    expect(ZOHO_TIME.test((await api(sandbox, 'GET', 'actions/watch')).body.watch[0].channel_expiry)).toBe(true);
  });
});
