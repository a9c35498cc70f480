/**
 * The sandbox's control over what Change Data Capture publishes: an overflow that swallows the next writes of an
 * object (their transaction publishes GAP_OVERFLOW, header only, no record id, instead of their events), and an
 * object taken out of the CDC selection (its channel refused with `400::Unknown channel`, its writes publish nothing)
 * and selected again.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Connection } from 'jsforce';
import type { SalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import { start } from './helpers.ts';
import { createRecord, sandboxPost, StreamClients, streamingState } from './streaming-helpers.ts';

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

describe('an overflow in place of the next writes', () => {
  it('the swallowed write publishes only a GAP_OVERFLOW of its transaction; the next write publishes its event again', async () => {
    const contacts = await clients.collect(conn, CONTACTS, -1);
    const id = await create('Contact', { LastName: 'Over' });
    expect(await sandboxPost(sb, '/_sandbox/salesforce/streaming/overflow', { object: 'contact', count: 1 })).toEqual({ status: 200, body: { object: 'Contact', overflow: 1 } });
    expect((await streamingState(sb) as unknown as { overflows: unknown }).overflows).toEqual({ Contact: 1 });
    await conn.sobject('Contact').update({ Id: id, Phone: '+1 415 555 0120' });
    await conn.sobject('Contact').update({ Id: id, Phone: '+1 415 555 0121' });
    await contacts.until(3);
    expect(contacts.headers().map((h) => [h.changeType, h.recordIds])).toEqual([['CREATE', [id]], ['GAP_OVERFLOW', []], ['UPDATE', [id]]]);
    expect(Object.keys(contacts.got[1]!.payload)).toEqual(['ChangeEventHeader']);
    expect(contacts.got[1]!.payload.ChangeEventHeader).toMatchObject({ entityName: 'Contact', commitTimestamp: expect.any(Number) });
    expect(await streamingState(sb)).not.toHaveProperty('overflows');
    expect((await sandboxPost(sb, '/_sandbox/salesforce/streaming/overflow', { object: 'Contact', count: -1 })).status).toBe(400);
  });
});

describe('the CDC selection', () => {
  it('an object out of the selection has its channel refused and publishes nothing; selected again, it streams', async () => {
    const all = await clients.collect(conn, ALL, -1);
    expect(await sandboxPost(sb, '/_sandbox/salesforce/streaming/selection', { object: 'Contact', selected: false })).toEqual({ status: 200, body: { object: 'Contact', selected: false } });
    expect((await streamingState(sb) as unknown as { deselected: unknown }).deselected).toEqual(['Contact']);
    const refused = await clients.create(conn, CONTACTS, -1).subscribe(CONTACTS, () => {}).then(() => null, (e: unknown) => e);
    expect(String((refused as { message?: string } | null)?.message ?? refused)).toMatch(/Unknown channel/);
    await create('Contact', { LastName: 'Unseen' });
    const lead = await create('Lead', { LastName: 'Seen', Company: 'Seen Ltd' });
    await all.until(1);
    expect(all.headers().map((h) => [h.entityName, h.recordIds])).toEqual([['Lead', [lead]]]);

    expect((await sandboxPost(sb, '/_sandbox/salesforce/streaming/selection', { object: 'Contact', selected: true })).status).toBe(200);
    const contacts = await clients.collect(conn, CONTACTS, -1);
    const id = await create('Contact', { LastName: 'Seen' });
    await contacts.until(1);
    expect(contacts.headers().map((h) => [h.changeType, h.recordIds])).toEqual([['CREATE', [id]]]);
    expect((await sandboxPost(sb, '/_sandbox/salesforce/streaming/selection', { object: 'Contact' })).status).toBe(400);
  });
});
