import { describe, expect, it, vi } from 'vitest';
import { api, control, startSandbox } from './helpers.ts';
import { drained, fromNow, startReceiver } from './notify-receiver.ts';

const contact = (name: string) => ({ data: [{ Last_Name: name }] });

describe('Zoho sandbox: when notifications are not sent', () => {
  it('sends nothing to an unsubscribed or expired channel, and stops the pending retries of a deleted one', async () => {
    const sandbox = await startSandbox({ empty: true, notificationRetryDelaysMs: [300] });
    const gone = await startReceiver();
    const expiring = await startReceiver();
    const failing = await startReceiver([500]);
    await api(sandbox, 'POST', 'actions/watch', { watch: [
      { channel_id: '31', events: ['Contacts.all'], notify_url: gone.url },
      { channel_id: '32', events: ['Contacts.all'], notify_url: expiring.url, channel_expiry: fromNow(2_000) },
      { channel_id: '33', events: ['Contacts.all'], notify_url: failing.url },
    ] });
    expect((await api(sandbox, 'DELETE', 'actions/watch?channel_ids=31')).status).toBe(200);
    await api(sandbox, 'POST', 'Contacts', contact('First'));
    await vi.waitFor(() => expect(failing.received).toHaveLength(1), { timeout: 10_000 });
    // Deleted while its retry waits: the retry is dropped.
    expect((await api(sandbox, 'DELETE', 'actions/watch?channel_ids=33')).status).toBe(200);
    await drained(sandbox);
    expect(expiring.received).toHaveLength(1);
    await vi.waitFor(async () => expect((await api(sandbox, 'GET', 'actions/watch')).status).toBe(204), { timeout: 5_000, interval: 200 });
    await api(sandbox, 'POST', 'Contacts', contact('Second'));
    await new Promise((r) => setTimeout(r, 400));
    await drained(sandbox);
    expect(gone.received).toHaveLength(0);
    expect(expiring.received).toHaveLength(1);
    expect(failing.received).toHaveLength(1);
  });

  it('pause drops the notifications of writes made meanwhile until resume; the option starts paused', async () => {
    const sandbox = await startSandbox({ empty: true });
    const receiver = await startReceiver();
    await api(sandbox, 'POST', 'actions/watch', { watch: [{ channel_id: '41', events: ['Contacts.all'], notify_url: receiver.url }] });
    expect((await control(sandbox, 'POST', '/zoho/notifications/pause')).body).toMatchObject({ paused: true });
    await api(sandbox, 'POST', 'Contacts', contact('While paused'));
    await new Promise((r) => setTimeout(r, 200));
    await drained(sandbox);
    expect(receiver.received).toHaveLength(0);
    expect((await control(sandbox, 'POST', '/zoho/notifications/resume')).body).toMatchObject({ paused: false });
    const [id] = (await api(sandbox, 'POST', 'Contacts', contact('After resume'))).body.data.map((r: { details: { id: string } }) => r.details.id);
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1), { timeout: 10_000 });
    expect(receiver.received[0]!.body.ids).toEqual([id]);

    const paused = await startSandbox({ empty: true, notificationsPaused: true });
    const other = await startReceiver();
    await api(paused, 'POST', 'actions/watch', { watch: [{ channel_id: '42', events: ['Contacts.all'], notify_url: other.url }] });
    expect((await control(paused, 'GET', '/zoho/notifications')).body).toMatchObject({ paused: true, channels: [expect.objectContaining({ channel_id: '42' })] });
    await api(paused, 'POST', 'Contacts', contact('Never sent'));
    await new Promise((r) => setTimeout(r, 200));
    expect(other.received).toHaveLength(0);
  });

  it('an answer slower than notificationTimeoutMs fails the attempt; pausing drops the pending retry', async () => {
    const sandbox = await startSandbox({ empty: true, notificationTimeoutMs: 100, notificationRetryDelaysMs: [800] });
    const slow = await startReceiver([], 500);
    await api(sandbox, 'POST', 'actions/watch', { watch: [{ channel_id: '61', events: ['Contacts.all'], notify_url: slow.url }] });
    await api(sandbox, 'POST', 'Contacts', contact('Timed out'));
    await vi.waitFor(async () => expect((await control(sandbox, 'GET', '/zoho/notifications/deliveries')).body.deliveries).toHaveLength(1), { timeout: 5_000 });
    const [first] = (await control(sandbox, 'GET', '/zoho/notifications/deliveries')).body.deliveries;
    expect(first).toMatchObject({ attempt: 1, ok: false, error: expect.any(String) });
    expect(sandbox.notifications.delivery.pending()).toBe(1);
    await control(sandbox, 'POST', '/zoho/notifications/pause');
    expect(sandbox.notifications.delivery.pending()).toBe(0);
    await control(sandbox, 'POST', '/zoho/notifications/resume');
    // Past the retry's 800 ms: it was dropped, not delayed.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(slow.received).toHaveLength(1);
    expect((await control(sandbox, 'GET', '/zoho/notifications')).body).toMatchObject({ pending: 0, delivered: 0, deadLettered: 0 });
  });

  it('a slow notify_url never delays the write answer', async () => {
    const sandbox = await startSandbox({ empty: true });
    // Each answer takes 2 s: a write that waited for its notification would take at least that.
    const slow = await startReceiver([], 2_000);
    await api(sandbox, 'POST', 'actions/watch', { watch: [{ channel_id: '51', events: ['Contacts.all'], notify_url: slow.url }] });
    await api(sandbox, 'GET', 'actions/watch'); // the token is fetched before timing
    const started = Date.now();
    const created = await api(sandbox, 'POST', 'Contacts', contact('Fast answer'));
    const second = await api(sandbox, 'POST', 'Contacts', contact('Also fast'));
    const elapsed = Date.now() - started;
    expect(created.status).toBe(201);
    expect(second.status).toBe(201);
    expect(elapsed).toBeLessThan(1_500);
    await vi.waitFor(() => expect(slow.received).toHaveLength(2), { timeout: 10_000 });
    expect(sandbox.notifications.delivery.pending()).toBeGreaterThan(0);
    await drained(sandbox);
    expect(sandbox.notifications.delivery.delivered).toBe(2);
  });
});
