/**
 * The catch-up stream of `customerChanged(after:)` on a real database (PGlite, or Postgres with DATABASE_URL), with
 * the NOTIFYs' arrival placed deterministically: events that reach the hub after the subscriber registered but were
 * already replayed from the log are dropped, later ones follow live, and an expired cursor fails before anything runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerChangedEvent } from '../../../db/change-events.ts';
import { publishCustomerChanged } from '../../../db/change-events.ts';
import { encodeChangeCursor, headChangeSeq, pruneChangeLog, readChangesAfter } from '../../../db/change-log.ts';
import { newGoldenId } from '../../../db/golden-ids.ts';
import { CustomerChangeHub } from '../../../gateway/subscriptions/change-hub.ts';
import type { CustomerChangePayload } from '../../../gateway/subscriptions/change-hub.ts';
import { catchUpStream } from '../../../gateway/subscriptions/change-replay.ts';
import { createLogger } from '../../../lib/logger.ts';
import { openTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';

describe('catchUpStream', () => {
  let database: TestDatabase;
  const x = newGoldenId('Customer');
  const y = newGoldenId('Customer');
  // The hub's resolver stands for the gateway: it answers the customer id it was asked for.
  const hub = new CustomerChangeHub(async (_resolution, id) => ({ data: { customer: { id } } }), createLogger('test', 'silent'));
  const interest = (ids: string[] | null) => ({ ids: ids ? new Set(ids) : null, fields: null, resolution: null });
  const asEvent = async (afterSeq: number): Promise<CustomerChangedEvent[]> =>
    (await readChangesAfter(database.db, afterSeq, 1000)).map((c) => ({
      seq: c.seq, customerId: c.customerId, changedFields: c.changedFields ?? undefined, version: c.version ?? undefined, at: c.at.toISOString(),
    }));
  const take = async (stream: AsyncIterator<CustomerChangePayload>, n: number) => {
    const out: CustomerChangePayload[] = [];
    for (let i = 0; i < n; i++) out.push((await stream.next()).value as CustomerChangePayload);
    return out;
  };

  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('replays after the cursor, skips live events it replayed, then continues live', async () => {
    const start = await headChangeSeq(database.db);
    await publishCustomerChanged(database, [
      { customerId: x, changedFields: ['phone'], version: 1 }, { customerId: y, changedFields: ['phone'], version: 2 },
      { customerId: x, changedFields: ['email'], version: 3 },
    ]);
    const stream = await catchUpStream(hub, database.db, interest([x]), start);
    // Committed after the subscriber registered and after its replay read the log: it comes live only.
    await publishCustomerChanged(database, { customerId: x, changedFields: ['title'], version: 4 });
    expect((await take(stream, 2)).map((p) => p.version)).toEqual([1, 3]);
    // The NOTIFYs of all four arrive now (late, behind a busy connection): the replayed ones are not delivered twice.
    for (const event of await asEvent(start)) hub.publish(event);
    await publishCustomerChanged(database, { customerId: x, changedFields: ['phone'], version: 5 });
    for (const event of (await asEvent(start)).slice(4)) hub.publish(event);
    const next = await take(stream, 2);
    expect(next.map((p) => p.version)).toEqual([4, 5]);
    expect(next[1]).toMatchObject({ customerId: x, cursor: encodeChangeCursor(start + 5) });
    await stream.return!();
    expect(hub.stats().subscribers).toBe(0);
  });

  it('replays only changes of the fields of interest, with their cursors', async () => {
    const start = await headChangeSeq(database.db);
    await publishCustomerChanged(database, [{ customerId: y, changedFields: ['title'] }, { customerId: y }, { customerId: y, changedFields: ['phone'] }]);
    const stream = await catchUpStream(hub, database.db, { ...interest([y]), fields: new Set(['phone']) }, start);
    const got = await take(stream, 2);
    expect(got.map((p) => [p.changedFields, p.cursor])).toEqual([[['*'], encodeChangeCursor(start + 2)], [['phone'], encodeChangeCursor(start + 3)]]);
    await stream.return!();
  });

  it('a subscriber too slow for its live queue loses nothing: the dropped events are read back from the log', async () => {
    const small = new CustomerChangeHub(async (_resolution, id) => ({ data: { customer: { id } } }), createLogger('test', 'silent'), 3);
    const start = await headChangeSeq(database.db);
    // Live from now on (no cursor), as a plain `customerChanged` subscription with a database.
    const stream = await catchUpStream(small, database.db, interest([x]), null);
    const first = stream.next();
    await publishCustomerChanged(database, { customerId: x, version: 1 });
    for (const event of await asEvent(start)) small.publish(event);
    expect((await first).value).toMatchObject({ version: 1 });
    // Ten more arrive while the subscriber is busy: its queue of 3 drops the oldest 7 (and another customer's change
    // in between is no concern of it).
    await publishCustomerChanged(database, [2, 3, 4, 5, 6].map((version) => ({ customerId: x, version })));
    await publishCustomerChanged(database, { customerId: y, version: 100 });
    await publishCustomerChanged(database, [7, 8, 9, 10, 11].map((version) => ({ customerId: x, version })));
    for (const event of (await asEvent(start)).slice(1)) small.publish(event);
    expect(small.stats().dropped).toBe(7);
    const got = await take(stream, 10);
    expect(got.map((p) => p.version)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(new Set(got.map((p) => p.cursor)).size).toBe(10);
    // Then live again: the next change comes once, from the queue.
    await publishCustomerChanged(database, { customerId: x, version: 12 });
    for (const event of (await asEvent(start)).slice(12)) small.publish(event);
    expect((await take(stream, 1))[0]).toMatchObject({ version: 12 });
    await stream.return!();
    expect(small.stats().subscribers).toBe(0);
  });

  it('fails with CURSOR_EXPIRED, unsubscribed, when changes after the cursor were pruned', async () => {
    const start = await headChangeSeq(database.db);
    const old = new Date(Date.now() - 30 * 86_400_000);
    await publishCustomerChanged(database, [{ customerId: x, at: old }, { customerId: x, at: old }]);
    await publishCustomerChanged(database, { customerId: x });
    expect(await pruneChangeLog(database.db, new Date(Date.now() - 86_400_000))).toBeGreaterThanOrEqual(2);
    await expect(catchUpStream(hub, database.db, interest([x]), start)).rejects.toMatchObject({ extensions: { code: 'CURSOR_EXPIRED' } });
    expect(hub.stats().subscribers).toBe(0);
    // The last pruned change's cursor still works: nothing after it is gone.
    const stream = await catchUpStream(hub, database.db, interest([x]), start + 2);
    expect((await take(stream, 1))[0]!.cursor).toBe(encodeChangeCursor(start + 3));
    await stream.return!();
  });
});
