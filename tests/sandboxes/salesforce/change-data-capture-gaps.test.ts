/**
 * Change Data Capture beyond Account, Contact and Opportunity: Lead and custom-object channels, and gap and overflow
 * events asked for through the control routes, as jsforce's streaming client receives them.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Connection } from 'jsforce';
import type { SalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import { ChangeEventLog } from '../../../sandboxes/salesforce/streaming/change-events.ts';
import type { ChangeEvent } from '../../../sandboxes/salesforce/streaming/change-events.ts';
import type { SfRecord } from '../../../sandboxes/salesforce/store.ts';
import { start } from './helpers.ts';
import { createRecord, sandboxPost, StreamClients, streamingState } from './streaming-helpers.ts';

const LEADS = '/data/LeadChangeEvent';
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

const create = (type: string, fields: Record<string, unknown>) => createRecord(conn, type, fields);

describe('Lead change events', () => {
  it('create and update of a Lead arrive on /data/LeadChangeEvent and /data/ChangeEvents with the standard header', async () => {
    const leads = await clients.collect(conn, LEADS, -1);
    const all = await clients.collect(conn, ALL, -1);
    const id = await create('Lead', { LastName: 'Ng', Company: 'Ng Ltd', Email: 'ng@example.test' });
    await conn.sobject('Lead').update({ Id: id, Phone: '+1 415 555 0190' });
    for (const collector of [leads, all]) {
      await collector.until(2);
      expect(collector.headers().map((h) => [h.entityName, h.changeType, h.recordIds])).toEqual([['Lead', 'CREATE', [id]], ['Lead', 'UPDATE', [id]]]);
    }
    expect(leads.got[0]!.payload).toMatchObject({ LastName: 'Ng', Company: 'Ng Ltd', Email: 'ng@example.test' });
    expect(leads.got[1]!.payload).toEqual({
      ChangeEventHeader: {
        entityName: 'Lead', recordIds: [id], changeType: 'UPDATE', changeOrigin: 'com/salesforce/api/rest/60.0',
        transactionKey: expect.stringMatching(/^[0-9a-f-]{36}$/), sequenceNumber: 1, commitTimestamp: expect.any(Number),
        commitNumber: expect.any(Number), commitUser: expect.stringMatching(/^005/), nulledFields: [], diffFields: [],
        changedFields: ['Phone', 'LastModifiedDate'],
      },
      Phone: '+1 415 555 0190',
      LastModifiedDate: expect.stringMatching(/Z$/),
    });
  });
});

describe('custom objects', () => {
  // The sandbox cannot define custom objects, so the log is driven with an org that has one.
  it('a custom object X__c publishes on /data/X__ChangeEvent; an object the org lacks has no channel', () => {
    const log = new ChangeEventLog({ enabled: true, retention: 100 }, () => Date.UTC(2026, 0, 1), () => ['Account', 'Contact', 'Lead', 'Opportunity', 'Invoice__c', 'Task']);
    expect(log.isKnownChannel('/data/Invoice__ChangeEvent')).toBe(true);
    expect(log.isKnownChannel('/data/Widget__ChangeEvent')).toBe(false);
    expect(log.isKnownChannel('/data/TaskChangeEvent')).toBe(false);
    expect(log.entity('invoice__C')).toBe('Invoice__c');
    const published: ChangeEvent[] = [];
    log.onPublish((events) => published.push(...events));
    const record: SfRecord = { Id: 'a00000000000001AAA', Name: 'INV-1', Amount__c: 10 };
    log.commit([{ method: 'POST', route: 'POST /sobjects/Invoice__c', objectType: 'Invoice__c', recordId: record.Id as string, operation: 'create', fields: { Name: 'INV-1' } }], new Map([[record.Id as string, undefined]]), () => record);
    expect(published.map((e) => e.channel)).toEqual(['/data/Invoice__ChangeEvent']);
    expect(published[0]!.data.payload).toMatchObject({ ChangeEventHeader: { entityName: 'Invoice__c', changeType: 'CREATE', recordIds: [record.Id] }, Name: 'INV-1', Amount__c: 10 });
    expect(log.replay('/data/ChangeEvents', -2)).toHaveLength(1);
  });
});

describe('gap and overflow events', () => {
  it('the next N writes of an object publish GAP_* events with the header only; then change events again', async () => {
    const contacts = await clients.collect(conn, CONTACTS, -1);
    const all = await clients.collect(conn, ALL, -1);
    const set = await sandboxPost(sb, '/_sandbox/salesforce/streaming/gaps', { object: 'contact', count: 3 });
    expect(set).toEqual({ status: 200, body: { object: 'Contact', gaps: 3 } });
    const id = await create('Contact', { LastName: 'Gap', Phone: '+1 415 555 0100' });
    await conn.sobject('Contact').update({ Id: id, Phone: '+1 415 555 0101' });
    expect((await streamingState(sb) as unknown as { gaps: unknown }).gaps).toEqual({ Contact: 1 });
    await conn.sobject('Contact').destroy(id);
    const restored = await sandboxPost(sb, '/_sandbox/salesforce/undelete', { ids: [id] });
    expect(restored.status).toBe(200);
    for (const collector of [contacts, all]) {
      await collector.until(4);
      expect(collector.headers().map((h) => [h.changeType, h.recordIds])).toEqual([['GAP_CREATE', [id]], ['GAP_UPDATE', [id]], ['GAP_DELETE', [id]], ['UNDELETE', [id]]]);
    }
    for (const gap of contacts.got.slice(0, 3)) {
      expect(Object.keys(gap.payload)).toEqual(['ChangeEventHeader']);
      expect(gap.payload.ChangeEventHeader).toMatchObject({
        entityName: 'Contact', changedFields: [], nulledFields: [], diffFields: [], commitTimestamp: expect.any(Number), commitUser: expect.stringMatching(/^005/),
        transactionKey: expect.any(String), sequenceNumber: 1,
      });
    }
    expect(contacts.got[3]!.payload).toMatchObject({ LastName: 'Gap' });
    expect((await streamingState(sb) as unknown as { gaps: unknown }).gaps).toEqual({});
  });

  it('gaps of one object leave the others alone, and count 0 stops them', async () => {
    const all = await clients.collect(conn, ALL, -1);
    await sandboxPost(sb, '/_sandbox/salesforce/streaming/gaps', { object: 'Lead', count: 5 });
    const contact = await create('Contact', { LastName: 'Plain' });
    const lead = await create('Lead', { LastName: 'Gappy', Company: 'G' });
    await sandboxPost(sb, '/_sandbox/salesforce/streaming/gaps', { object: 'Lead', count: 0 });
    const lead2 = await create('Lead', { LastName: 'Plain', Company: 'P' });
    await all.until(3);
    expect(all.headers().map((h) => [h.entityName, h.changeType, h.recordIds])).toEqual([['Contact', 'CREATE', [contact]], ['Lead', 'GAP_CREATE', [lead]], ['Lead', 'CREATE', [lead2]]]);
  });

  it('an overflow event carries the entity and GAP_OVERFLOW, no record ids and no fields', async () => {
    const leads = await clients.collect(conn, LEADS, -1);
    const all = await clients.collect(conn, ALL, -1);
    const res = await sandboxPost(sb, '/_sandbox/salesforce/streaming/overflow', { object: 'Lead' });
    expect(res).toEqual({ status: 200, body: { object: 'Lead', replayId: 1, channel: LEADS } });
    for (const collector of [leads, all]) {
      const [message] = await collector.until(1);
      expect(message!.event.replayId).toBe(1);
      expect(message!.payload).toEqual({
        ChangeEventHeader: {
          entityName: 'Lead', recordIds: [], changeType: 'GAP_OVERFLOW', changeOrigin: expect.any(String), transactionKey: expect.any(String),
          sequenceNumber: 1, commitTimestamp: expect.any(Number), commitNumber: expect.any(Number), commitUser: expect.stringMatching(/^005/),
          nulledFields: [], diffFields: [], changedFields: [],
        },
      });
    }
    // Replayable like any event.
    const replayed = await clients.collect(conn, LEADS, -2);
    expect((await replayed.until(1)).map((m) => m.payload.ChangeEventHeader.changeType)).toEqual(['GAP_OVERFLOW']);
  });

  it('refuses an object without change events, a bad count, and an overflow while publishing is off', async () => {
    expect(await sandboxPost(sb, '/_sandbox/salesforce/streaming/gaps', { object: 'User', count: 1 })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/object must name/) } });
    expect(await sandboxPost(sb, '/_sandbox/salesforce/streaming/gaps', { object: 'Widget__c', count: 1 })).toMatchObject({ status: 400 });
    expect(await sandboxPost(sb, '/_sandbox/salesforce/streaming/gaps', { object: 'Contact', count: -1 })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/count/) } });
    expect(await sandboxPost(sb, '/_sandbox/salesforce/streaming/gaps', { object: 'Contact', count: 1.5 })).toMatchObject({ status: 400 });
    expect(await sandboxPost(sb, '/_sandbox/salesforce/streaming/overflow', {})).toMatchObject({ status: 400 });
    await sandboxPost(sb, '/_sandbox/salesforce/streaming', { enabled: false }, 'PUT');
    expect(await sandboxPost(sb, '/_sandbox/salesforce/streaming/overflow', { object: 'Contact' })).toMatchObject({ status: 409 });
    expect((await streamingState(sb)).lastReplayId).toBe(0);
  });

  it('reset forgets pending gaps', async () => {
    await sandboxPost(sb, '/_sandbox/salesforce/streaming/gaps', { object: 'Contact', count: 2 });
    await sandboxPost(sb, '/_sandbox/reset');
    const contacts = await clients.collect(conn, CONTACTS, -1);
    await create('Contact', { LastName: 'After' });
    expect((await contacts.until(1)).map((m) => m.payload.ChangeEventHeader.changeType)).toEqual(['CREATE']);
  });
});
