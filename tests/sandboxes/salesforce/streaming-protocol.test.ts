/**
 * The sandbox's Bayeux endpoint on the wire (raw HTTP), and its control route: what jsforce's client does not show
 * directly — handshake advice, unknown client, the long-poll released on disconnect, no API budget spent.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Connection } from 'jsforce';
import type { SalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import { start } from './helpers.ts';
import { StreamClients, sandboxPost, streamingState } from './streaming-helpers.ts';

type Reply = Record<string, unknown> & { channel: string; successful?: boolean; clientId?: string; error?: string; advice?: Record<string, unknown> };

let sb: SalesforceSandbox;
let conn: Connection;
const clients = new StreamClients();
const openRequests: AbortController[] = [];
beforeAll(async () => {
  ({ sb, conn } = await start({ empty: true, connectHoldMs: 30_000 }));
});
beforeEach(async () => {
  await sandboxPost(sb, '/_sandbox/reset');
});
afterEach(async () => {
  for (const c of openRequests.splice(0)) c.abort();
  await clients.closeAll();
});
afterAll(() => sb.close());

async function bayeux(messages: Record<string, unknown>[], token = conn.accessToken ?? '', version = '60.0'): Promise<{ status: number; replies: Reply[] }> {
  const abort = new AbortController();
  openRequests.push(abort);
  const res = await fetch(`${sb.url}/cometd/${version}`, {
    method: 'POST', signal: abort.signal,
    headers: { 'content-type': 'application/json', authorization: `OAuth ${token}` }, body: JSON.stringify(messages),
  });
  return { status: res.status, replies: (await res.json()) as Reply[] };
}

async function handshake(): Promise<string> {
  const { replies } = await bayeux([{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'], id: '1' }]);
  return replies[0]!.clientId!;
}

describe('Bayeux endpoint', () => {
  it('handshake answers a client id, long-polling and the connect hold as advice', async () => {
    const { status, replies } = await bayeux([{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'], id: '1' }]);
    expect(status).toBe(200);
    expect(replies).toEqual([{
      channel: '/meta/handshake', id: '1', clientId: expect.any(String), version: '1.0', successful: true,
      supportedConnectionTypes: ['long-polling'], advice: { timeout: 30_000, interval: 0, reconnect: 'retry' },
      ext: { replay: true, 'payload.format': true },
    }]);
  });

  it('an unknown client gets 402 with advice to handshake again; an unknown channel 400; a bad token 401', async () => {
    const { replies } = await bayeux([{ channel: '/meta/connect', clientId: 'nobody', connectionType: 'long-polling', id: '2' }]);
    expect(replies).toEqual([{ channel: '/meta/connect', id: '2', successful: false, error: '402::Unknown client', advice: { reconnect: 'handshake', interval: 0 } }]);

    const clientId = await handshake();
    const sub = await bayeux([{ channel: '/meta/subscribe', clientId, subscription: '/data/Widget__ChangeEvent', id: '3' }]);
    expect(sub.replies[0]).toMatchObject({ successful: false, error: '400::Unknown channel /data/Widget__ChangeEvent' });

    const denied = await bayeux([{ channel: '/meta/connect', clientId, connectionType: 'long-polling', id: '4' }], 'expired-or-made-up');
    expect(denied.replies).toEqual([{
      channel: '/meta/connect', id: '4', clientId, successful: false, error: '401::Authentication invalid',
      advice: { reconnect: 'none' }, ext: { sfdc: { failureReason: '401::Authentication invalid' } },
    }]);
    expect((await bayeux([{ channel: '/meta/handshake', id: '1' }], conn.accessToken!, '12.0')).status).toBe(404);
  });

  it('a held connect is answered at once on disconnect, and the client is gone', async () => {
    const clientId = await handshake();
    await bayeux([{ channel: '/meta/subscribe', clientId, subscription: '/data/ChangeEvents', id: '2' }]);
    const started = Date.now();
    const held = bayeux([{ channel: '/meta/connect', clientId, connectionType: 'long-polling', id: '3' }]);
    await waitFor(async () => (await streamingState(sb)).heldConnects === 1);
    const bye = await bayeux([{ channel: '/meta/disconnect', clientId, id: '4' }]);
    expect(bye.replies).toEqual([{ channel: '/meta/disconnect', id: '4', clientId, successful: true }]);
    expect((await held).replies).toEqual([{ channel: '/meta/connect', id: '3', clientId, successful: true, advice: { reconnect: 'none', interval: 0 } }]);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await streamingState(sb)).toMatchObject({ clients: 0, subscriptions: 0 });
  });

  it('a held connect is released by an event, which it carries before the connect reply', async () => {
    const clientId = await handshake();
    await bayeux([{ channel: '/meta/subscribe', clientId, subscription: '/data/AccountChangeEvent', id: '2', ext: { replay: { '/data/AccountChangeEvent': -1 } } }]);
    const held = bayeux([{ channel: '/meta/connect', clientId, connectionType: 'long-polling', id: '3' }]);
    const account = await conn.sobject('Account').create({ Name: 'Acme' });
    const { replies } = await held;
    expect(replies.map((r) => r.channel)).toEqual(['/data/AccountChangeEvent', '/meta/connect']);
    expect(replies[0]).toMatchObject({ clientId, data: { event: { replayId: 1 }, payload: { Name: 'Acme', ChangeEventHeader: { recordIds: [account.success ? account.id : ''] } } } });
  });
});

describe('no API budget, no stats, no ledger', () => {
  it('streaming requests leave the stats, the daily budget and the ledger as they were', async () => {
    await sandboxPost(sb, '/_sandbox/stats/reset');
    const before = await (await fetch(`${sb.url}/_sandbox/limits`)).json() as { apiUsage: number };
    const events = await clients.collect(conn, '/data/ContactChangeEvent', -1);
    await conn.sobject('Contact').create({ LastName: 'Counted once' });
    await events.until(1);
    await clients.closeAll();
    const stats = await (await fetch(`${sb.url}/_sandbox/stats`)).json() as { total: number; routes: Record<string, number> };
    expect(stats).toEqual({ total: 1, routes: { 'POST /services/data/vXX.X/sobjects/Contact': 1 } });
    const after = await (await fetch(`${sb.url}/_sandbox/limits`)).json() as { apiUsage: number };
    expect(after.apiUsage).toBe(before.apiUsage + 1);
    const ledger = await (await fetch(`${sb.url}/_sandbox/ledger`)).json() as { entries: unknown[] };
    expect(ledger.entries).toHaveLength(1);
  });
});

describe('control route /_sandbox/salesforce/streaming', () => {
  it('GET shows the state, PUT changes it (and refuses nonsense), reset clears it', async () => {
    expect(await streamingState(sb)).toEqual({ enabled: true, clients: 0, subscriptions: 0, heldConnects: 0, retained: 0, lastReplayId: 0, connectHoldMs: 30_000, retention: 10_000, gaps: {} });
    const put = await sandboxPost(sb, '/_sandbox/salesforce/streaming', { connectHoldMs: 500, retention: 5 }, 'PUT');
    expect(put).toMatchObject({ status: 200, body: { connectHoldMs: 500, retention: 5 } });
    expect((await sandboxPost(sb, '/_sandbox/salesforce/streaming', { connectHoldMs: -1 }, 'PUT')).status).toBe(400);
    expect((await sandboxPost(sb, '/_sandbox/salesforce/streaming', { enabled: 'yes' }, 'PUT')).status).toBe(400);

    await handshake();
    await conn.sobject('Contact').create({ LastName: 'One' });
    expect(await streamingState(sb)).toMatchObject({ clients: 1, retained: 1, lastReplayId: 1 });
    await sandboxPost(sb, '/_sandbox/reset');
    expect(await streamingState(sb)).toEqual({ enabled: true, clients: 0, subscriptions: 0, heldConnects: 0, retained: 0, lastReplayId: 0, connectHoldMs: 30_000, retention: 10_000, gaps: {} });
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}
