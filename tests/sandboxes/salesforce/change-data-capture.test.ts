/**
 * Change Data Capture over the sandbox's Streaming API, driven by jsforce's own streaming client (faye with the
 * Replay and AuthFailure extensions), as the connector uses it.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import jsforce from 'jsforce';
import type { Connection } from 'jsforce';
import type { SalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import { start } from './helpers.ts';
import { StreamClients, sandboxPost, sleep, streamingState } from './streaming-helpers.ts';

const CONTACTS = '/data/ContactChangeEvent';
const ALL = '/data/ChangeEvents';

let sb: SalesforceSandbox;
let conn: Connection;
const clients = new StreamClients();
beforeAll(async () => {
  ({ sb, conn } = await start({ empty: true, connectHoldMs: 1000 }));
});
beforeEach(async () => {
  await sandboxPost(sb, '/_sandbox/reset');
});
afterEach(() => clients.closeAll());
afterAll(() => sb.close());

async function newContact(fields: Record<string, unknown> = {}): Promise<string> {
  const res = await conn.sobject('Contact').create({ LastName: 'Lee', ...fields });
  if (!res.success) throw new Error('create failed');
  return res.id;
}

describe('change events reach a jsforce subscriber', () => {
  it('an update through REST arrives with its header and only the changed fields', async () => {
    const id = await newContact({ Phone: '+1 415 555 0000' });
    const events = await clients.collect(conn, CONTACTS, -1);
    await conn.sobject('Contact').update({ Id: id, Phone: '+1 415 555 0100' });

    const [message] = await events.until(1);
    const stored = await conn.sobject('Contact').retrieve(id);
    expect(message!.event.replayId).toBeGreaterThan(0);
    expect(message!.schema).toMatch(/^[\w-]{22}$/);
    expect(message!.payload).toEqual({
      ChangeEventHeader: {
        entityName: 'Contact', recordIds: [id], changeType: 'UPDATE', changeOrigin: 'com/salesforce/api/rest/60.0',
        transactionKey: expect.stringMatching(/^[0-9a-f-]{36}$/), sequenceNumber: 1, commitTimestamp: expect.any(Number),
        commitNumber: expect.any(Number), commitUser: expect.stringMatching(/^005/), nulledFields: [], diffFields: [],
        changedFields: ['Phone', 'LastModifiedDate'],
      },
      Phone: '+1 415 555 0100',
      LastModifiedDate: String(stored.LastModifiedDate).replace('+0000', 'Z'),
    });
  });

  it('create, delete and undelete arrive in order on the object channel and on /data/ChangeEvents', async () => {
    const perObject = await clients.collect(conn, CONTACTS, -1);
    const everything = await clients.collect(conn, ALL, -1);
    const accounts = await clients.collect(conn, '/data/AccountChangeEvent', -1);
    const id = await newContact({ Email: 'lee@example.test' });
    await conn.sobject('Contact').destroy(id);
    const restored = await sandboxPost(sb, '/_sandbox/salesforce/undelete', { ids: [id] });
    expect(restored).toEqual({ status: 200, body: [{ id, success: true, errors: [] }] });

    for (const collector of [perObject, everything]) {
      await collector.until(3);
      expect(collector.headers().map((h) => [h.changeType, h.recordIds])).toEqual([['CREATE', [id]], ['DELETE', [id]], ['UNDELETE', [id]]]);
      const replayIds = collector.got.map((m) => m.event.replayId);
      expect(replayIds).toEqual([...replayIds].sort((a, b) => a - b));
    }
    const created = perObject.got[0]!.payload;
    expect(created).toMatchObject({ LastName: 'Lee', Email: 'lee@example.test', OwnerId: expect.stringMatching(/^005/) });
    expect(created).not.toHaveProperty('Id');
    expect(Object.keys(perObject.got[1]!.payload)).toEqual(['ChangeEventHeader']);
    expect(perObject.got[2]!.payload).toMatchObject({ LastName: 'Lee' });
    expect(accounts.got).toEqual([]);
    // Undeleting a live record fails and publishes nothing.
    const again = await sandboxPost(sb, '/_sandbox/salesforce/undelete', { ids: [id] });
    expect(again.body).toEqual([{ id, success: false, errors: [{ statusCode: 'UNDELETE_FAILED', message: 'Entity is not in the recycle bin', fields: [] }] }]);
    expect((await streamingState(sb)).lastReplayId).toBe(3);
  });

  it('a collection write publishes one event per record; a rejected one publishes nothing', async () => {
    const events = await clients.collect(conn, CONTACTS, -1);
    const results = await conn.sobject('Contact').create([{ LastName: 'A' }, { LastName: 'B' }, { LastName: 'C' }]);
    const ids = results.map((r) => (r.success ? r.id : ''));
    await events.until(3);
    expect(events.headers().map((h) => [h.changeType, h.recordIds])).toEqual(ids.map((id) => ['CREATE', [id]]));

    const before = (await streamingState(sb)).lastReplayId;
    await expect(conn.sobject('Contact').update({ Id: ids[0]!, Email: 'not an email' })).rejects.toThrow(/invalid email/);
    expect((await streamingState(sb)).lastReplayId).toBe(before);
  });

  it('an Opportunity written through composite publishes on its own channel', async () => {
    const events = await clients.collect(conn, '/data/OpportunityChangeEvent', -1);
    await conn.request({
      method: 'POST', url: '/services/data/v60.0/composite', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        allOrNone: true,
        compositeRequest: [{ method: 'POST', url: '/services/data/v60.0/sobjects/Opportunity', referenceId: 'opp', body: { Name: 'Deal', StageName: 'Prospecting', CloseDate: '2025-01-31' } }],
      }),
    });
    const [message] = await events.until(1);
    expect(message!.payload.ChangeEventHeader).toMatchObject({ entityName: 'Opportunity', changeType: 'CREATE' });
    expect(message!.payload).toMatchObject({ Name: 'Deal', StageName: 'Prospecting' });
  });
});

describe('replay', () => {
  async function threeUpdates(): Promise<{ id: string; firstReplayId: number }> {
    const id = await newContact();
    const firstReplayId = (await streamingState(sb)).lastReplayId;
    await conn.sobject('Contact').update({ Id: id, Title: 'Two' });
    await conn.sobject('Contact').update({ Id: id, Title: 'Three' });
    return { id, firstReplayId };
  }

  it('from a stored replay id delivers only what came after it; -2 delivers every retained event', async () => {
    const { firstReplayId } = await threeUpdates();
    const after = await clients.collect(conn, CONTACTS, firstReplayId);
    await after.until(2);
    await sleep(200);
    expect(after.got.map((m) => m.payload.Title)).toEqual(['Two', 'Three']);
    expect(after.got.every((m) => m.event.replayId > firstReplayId)).toBe(true);

    const all = await clients.collect(conn, CONTACTS, -2);
    await all.until(3);
    expect(all.headers().map((h) => h.changeType)).toEqual(['CREATE', 'UPDATE', 'UPDATE']);
    // Replayed, then live.
    await newContact({ LastName: 'Live' });
    await all.until(4);
    expect(all.got[3]!.payload.LastName).toBe('Live');
  });

  it('refuses a replay id the org no longer retains with Salesforce’s 400', async () => {
    const { firstReplayId } = await threeUpdates();
    expect(await sandboxPost(sb, '/_sandbox/salesforce/streaming/expire')).toEqual({ status: 200, body: { expired: 3 } });
    const client = clients.create(conn, CONTACTS, firstReplayId);
    const refused = await Promise.resolve(client.subscribe(CONTACTS, () => {})).then(() => undefined, (err: unknown) => err);
    // faye hands the error text over whole (its grammar does not parse Salesforce's messages).
    expect(refused).toMatchObject({
      message: `400::The replayId {${firstReplayId}} you provided was invalid. Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`,
    });
  });

  it('keeps only the newest `retention` events', async () => {
    await sandboxPost(sb, '/_sandbox/salesforce/streaming', { retention: 1 }, 'PUT');
    const { firstReplayId } = await threeUpdates();
    expect((await streamingState(sb)).retained).toBe(1);
    const refused = await Promise.resolve(clients.create(conn, CONTACTS, firstReplayId).subscribe(CONTACTS, () => {})).then(() => undefined, (err: unknown) => err);
    expect(refused).toMatchObject({ message: expect.stringMatching(/^400::The replayId \{\d+\} you provided was invalid/) });
    const all = await clients.collect(conn, CONTACTS, -2);
    await all.until(1);
    expect(all.got.map((m) => m.payload.Title)).toEqual(['Three']);
  });
});

describe('auth and switches', () => {
  it('a bad token gets 401 with advice reconnect none, and AuthFailure is called', async () => {
    const bad = new jsforce.Connection({ instanceUrl: sb.url, accessToken: 'not-a-token', version: '60.0' });
    const failure = new Promise<Record<string, unknown>>((resolve) => {
      void clients.create(bad, CONTACTS, -1, (m) => resolve(m as Record<string, unknown>)).subscribe(CONTACTS, () => {});
    });
    expect(await failure).toMatchObject({ channel: '/meta/handshake', successful: false, error: '401::Authentication invalid', advice: { reconnect: 'none' } });
  });

  it('tokens expired while streaming: the next connect gets the 401 advice', async () => {
    await sandboxPost(sb, '/_sandbox/salesforce/streaming', { connectHoldMs: 200 }, 'PUT');
    let failed: Record<string, unknown> | undefined;
    await clients.create(conn, CONTACTS, -1, (m) => (failed = m as Record<string, unknown>)).subscribe(CONTACTS, () => {});
    await sandboxPost(sb, '/_sandbox/salesforce/expire-tokens');
    const deadline = Date.now() + 3000;
    while (!failed && Date.now() < deadline) await sleep(50);
    expect(failed).toMatchObject({ channel: '/meta/connect', error: '401::Authentication invalid', advice: { reconnect: 'none' } });
    await conn.authorize({ grant_type: 'client_credentials' });
  });

  it('disabled: nothing is published; enabled again: events flow', async () => {
    expect((await sandboxPost(sb, '/_sandbox/salesforce/streaming', { enabled: false }, 'PUT')).body).toMatchObject({ enabled: false });
    const events = await clients.collect(conn, CONTACTS, -1);
    await newContact();
    await sleep(300);
    expect(events.got).toEqual([]);
    expect(await streamingState(sb)).toMatchObject({ retained: 0, lastReplayId: 0 });

    await sandboxPost(sb, '/_sandbox/salesforce/streaming', { enabled: true }, 'PUT');
    await newContact();
    await events.until(1);
  });
});
