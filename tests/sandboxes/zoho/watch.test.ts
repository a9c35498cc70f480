import { describe, expect, it, vi } from 'vitest';
import { api, control, startSandbox, ZOHO_TIME } from './helpers.ts';
import { fromNow } from './notify-receiver.ts';

const URL_ = 'http://127.0.0.1:9/webhooks/zoho-1';
const ALL = ['Contacts.all', 'Accounts.all', 'Deals.all'];
const DAY = 86_400_000;

/** The module ids `settings/modules` lists, which watch answers name as resource_id. */
async function moduleIds(sandbox: Awaited<ReturnType<typeof startSandbox>>): Promise<Record<string, string>> {
  const modules = (await api(sandbox, 'GET', 'settings/modules')).body.modules as { api_name: string; id: string }[];
  return Object.fromEntries(modules.map((m) => [m.api_name, m.id]));
}

describe('Zoho sandbox: actions/watch channels', () => {
  it('subscribes with the pinned answer, lists the channel, and answers 204 when there is none', async () => {
    const sandbox = await startSandbox({ empty: true });
    expect((await api(sandbox, 'GET', 'actions/watch')).status).toBe(204);
    const ids = await moduleIds(sandbox);
    // 2 days ahead in UTC: rendered back in the org offset (+05:30), whole seconds.
    const expiry = new Date(Math.floor((Date.now() + 2 * DAY) / 1000) * 1000);
    const expected = new Date(expiry.getTime() + 330 * 60_000).toISOString().slice(0, 19) + '+05:30';
    const answer = await api(sandbox, 'POST', 'actions/watch', {
      watch: [{ channel_id: '1000000068001', events: ALL, channel_expiry: expiry.toISOString(), token: 'tok', notify_url: URL_, notify_on_related_action: false }],
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.body).toEqual({
      watch: [{
        code: 'SUCCESS', message: 'Successfully subscribed for actions-watch of the given module', status: 'success',
        details: {
          events: ['Contacts', 'Accounts', 'Deals'].map((m) => ({
            channel_expiry: expected, resource_uri: `${sandbox.url}/crm/v8/${m}`, resource_id: ids[m], resource_name: m, channel_id: '1000000068001',
          })),
        },
      }],
    });
    const listed = await api(sandbox, 'GET', 'actions/watch');
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      watch: [{
        channel_id: '1000000068001',
        events: ['Contacts', 'Accounts', 'Deals'].map((m) => ({ resource_name: m, resource_uri: `${sandbox.url}/crm/v8/${m}`, resource_id: ids[m] })),
        channel_expiry: expected, notify_url: URL_, token: 'tok', notify_on_related_action: false,
      }],
    });
    // Without channel_expiry a channel lives one hour.
    await api(sandbox, 'POST', 'actions/watch', { watch: [{ channel_id: '2', events: ['Deals.edit'], notify_url: URL_ }] });
    const second = (await api(sandbox, 'GET', 'actions/watch')).body.watch[1];
    expect(second).toMatchObject({ channel_id: '2', token: null, notify_on_related_action: false });
    expect(second.channel_expiry).toMatch(ZOHO_TIME);
    expect(Math.abs(Date.parse(second.channel_expiry) - (Date.now() + 3600_000))).toBeLessThan(5_000);
  });

  it('refuses bad items one by one: duplicate channel ids, expiry beyond 7 days or past, unknown modules, long tokens; 207 mixed, 400 all failed', async () => {
    const sandbox = await startSandbox({ empty: true });
    const ok = { channel_id: '100', events: ['Contacts.all'], notify_url: URL_, token: 'tok' };
    expect((await api(sandbox, 'POST', 'actions/watch', { watch: [ok] })).status).toBe(200);
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [ok, 'DUPLICATE_DATA', 'channel_id'],
      [{ ...ok, channel_id: '101', channel_expiry: fromNow(8 * DAY) }, 'INVALID_DATA', 'channel_expiry'],
      [{ ...ok, channel_id: '102', channel_expiry: fromNow(-60_000) }, 'INVALID_DATA', 'channel_expiry'],
      [{ ...ok, channel_id: '103', channel_expiry: 'tomorrow' }, 'INVALID_DATA', 'channel_expiry'],
      [{ ...ok, channel_id: '104', events: ['Spaceships.all'] }, 'INVALID_DATA', 'events'],
      [{ ...ok, channel_id: '105', events: ['Contacts.explode'] }, 'INVALID_DATA', 'events'],
      [{ ...ok, channel_id: '106', token: 'x'.repeat(51) }, 'INVALID_DATA', 'token'],
      [{ ...ok, channel_id: 'abc' }, 'INVALID_DATA', 'channel_id'],
      [{ ...ok, channel_id: '107', notify_url: 'not a url' }, 'INVALID_DATA', 'notify_url'],
      [{ ...ok, channel_id: '108', notify_url: undefined }, 'MANDATORY_NOT_FOUND', 'notify_url'],
      [{ ...ok, channel_id: undefined }, 'MANDATORY_NOT_FOUND', 'channel_id'],
    ];
    for (const [item, code, apiName] of cases) {
      const answer = await api(sandbox, 'POST', 'actions/watch', { watch: [item] });
      expect(answer.status, JSON.stringify(item)).toBe(400);
      expect(answer.body.watch[0], JSON.stringify(item)).toMatchObject({ code, status: 'error', details: { api_name: apiName } });
    }
    // Exactly 7 days ahead is allowed.
    const mixed = await api(sandbox, 'POST', 'actions/watch', { watch: [{ ...ok, channel_id: '200', channel_expiry: fromNow(7 * DAY) }, ok] });
    expect(mixed.status).toBe(207);
    expect(mixed.body.watch.map((w: { status: string }) => w.status)).toEqual(['success', 'error']);
    expect((await api(sandbox, 'GET', 'actions/watch')).body.watch.map((w: { channel_id: string }) => w.channel_id)).toEqual(['100', '200']);
    const none = await api(sandbox, 'POST', 'actions/watch', { nothing: true });
    expect(none.status).toBe(400);
    expect(none.body).toEqual({ code: 'REQUIRED_PARAM_MISSING', details: { param_name: 'watch' }, message: expect.any(String), status: 'error' });
  });

  it('patches a channel (expiry, events, url, token) and refuses an unknown channel id', async () => {
    const sandbox = await startSandbox({ empty: true });
    await api(sandbox, 'POST', 'actions/watch', { watch: [{ channel_id: '300', events: ['Contacts.all'], notify_url: URL_, token: 'old' }] });
    const patched = await api(sandbox, 'PATCH', 'actions/watch', {
      watch: [{ channel_id: '300', events: ['Deals.all', 'Accounts.create'], notify_url: 'http://127.0.0.1:9/webhooks/other', token: 'new', channel_expiry: fromNow(6 * DAY) }],
    });
    expect(patched.status).toBe(200);
    expect(patched.body.watch[0]).toMatchObject({ code: 'SUCCESS', status: 'success' });
    expect(patched.body.watch[0].details.events.map((e: { resource_name: string }) => e.resource_name)).toEqual(['Deals', 'Accounts']);
    const listed = (await api(sandbox, 'GET', 'actions/watch')).body.watch;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ channel_id: '300', notify_url: 'http://127.0.0.1:9/webhooks/other', token: 'new' });
    expect(listed[0].events.map((e: { resource_name: string }) => e.resource_name)).toEqual(['Deals', 'Accounts']);
    expect(Math.abs(Date.parse(listed[0].channel_expiry) - (Date.now() + 6 * DAY))).toBeLessThan(5_000);

    const unknown = await api(sandbox, 'PATCH', 'actions/watch', { watch: [{ channel_id: '999', events: ['Deals.all'], notify_url: URL_ }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.watch[0]).toMatchObject({ code: 'INVALID_DATA', status: 'error', details: { api_name: 'channel_id' } });
    // Only an expiry for an unknown id: still the channel_id that is wrong.
    const onlyExpiry = await api(sandbox, 'PATCH', 'actions/watch', { watch: [{ channel_id: '998', channel_expiry: fromNow(DAY) }] });
    expect(onlyExpiry.body.watch[0]).toMatchObject({ code: 'INVALID_DATA', details: { api_name: 'channel_id' } });
    const tooFar = await api(sandbox, 'PATCH', 'actions/watch', { watch: [{ channel_id: '300', channel_expiry: fromNow(9 * DAY) }] });
    expect(tooFar.body.watch[0]).toMatchObject({ code: 'INVALID_DATA', details: { api_name: 'channel_expiry' } });
  });

  it('unsubscribes by channel_ids with per-item results; an expired channel is neither listed nor deletable', async () => {
    const sandbox = await startSandbox({ empty: true });
    for (const id of ['1', '2']) await api(sandbox, 'POST', 'actions/watch', { watch: [{ channel_id: id, events: ['Contacts.all'], notify_url: URL_ }] });
    const deleted = await api(sandbox, 'DELETE', 'actions/watch?channel_ids=1,77');
    expect(deleted.status).toBe(207);
    expect(deleted.body.watch).toEqual([
      { code: 'SUCCESS', details: { channel_id: '1' }, message: 'Successfully unsubscribed from actions-watch', status: 'success' },
      { code: 'INVALID_DATA', details: expect.objectContaining({ channel_id: '77' }), message: expect.any(String), status: 'error' },
    ]);
    expect((await api(sandbox, 'GET', 'actions/watch')).body.watch.map((w: { channel_id: string }) => w.channel_id)).toEqual(['2']);
    expect((await api(sandbox, 'DELETE', 'actions/watch?channel_ids=2')).status).toBe(200);
    expect((await api(sandbox, 'GET', 'actions/watch')).status).toBe(204);
    expect((await api(sandbox, 'DELETE', 'actions/watch')).body).toMatchObject({ code: 'REQUIRED_PARAM_MISSING', details: { param_name: 'channel_ids' } });

    // A channel that expires a second or two from now drops out of the list; its id can then be taken again.
    await api(sandbox, 'POST', 'actions/watch', { watch: [{ channel_id: '3', events: ['Contacts.all'], notify_url: URL_, channel_expiry: fromNow(2_000) }] });
    expect((await api(sandbox, 'GET', 'actions/watch')).status).toBe(200);
    await vi.waitFor(async () => expect((await api(sandbox, 'GET', 'actions/watch')).status).toBe(204), { timeout: 5_000, interval: 200 });
    expect((await api(sandbox, 'DELETE', 'actions/watch?channel_ids=3')).status).toBe(400);
    expect((await api(sandbox, 'POST', 'actions/watch', { watch: [{ channel_id: '3', events: ['Contacts.all'], notify_url: URL_ }] })).status).toBe(200);
    // A reset drops every channel.
    await control(sandbox, 'POST', '/reset');
    expect((await api(sandbox, 'GET', 'actions/watch')).status).toBe(204);
  });
});
