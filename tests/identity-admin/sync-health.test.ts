/**
 * `syncHealth` on a real database: known rows (cursors, webhook events, outbox rows in every status, dead letters)
 * are written through the sync store and plain inserts, and the admin subgraph's answer is checked figure by
 * figure — so a wrong filter, group or age shows up as a wrong number. The field is a root field of the admin
 * subgraph, hence token-guarded by gateway/admin-access.ts like the review queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { graphql } from 'graphql';
import { connectors, syncCursors, webhookInbox, writebackDeadLetters, writebackOutbox } from '../../db/schema.ts';
import { recordPollFailure, recordPollSuccess } from '../../db/poll-status-store.ts';
import { insertInboxEvents, markInboxFailed, markInboxProcessed, writeCursor } from '../../db/sync-store.ts';
import { rootFieldsOf } from '../../gateway/admin-access.ts';
import { createAdminSubgraph } from '../../subgraphs/admin/index.ts';
import type { MappingConfig } from '../../resolver-engine/index.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

const QUERY = `{ syncHealth(newestDeadLetters: 5) {
  generatedAt
  changeCapture { connectorId crm connectorName objectType updatedAt ageSeconds
    lastPolledAt lastPollAgeSeconds lastSuccessAt lastSuccessAgeSeconds recordsLastPoll consecutiveFailures lastError { code message at crm } }
  webhookInbox { connectorId crm unprocessed oldestUnprocessedAt oldestAgeSeconds failed lastError }
  writeBack { connectorId crm objectType pending retrying inFlight doneLastHour stale dead oldestPendingAt oldestPendingAgeSeconds }
  deadLetters { open replayHint newest { id connectorId crm objectType recordId customerId code nativeCode message createdAt } }
} }`;

const ago = (s: number) => new Date(Date.now() - s * 1000);

describe('admin API: syncHealth', () => {
  let db: TestDatabase;
  let admin: ReturnType<typeof createAdminSubgraph>;
  beforeAll(async () => {
    db = await openTestDatabase();
    admin = createAdminSubgraph({ db: db.db, getConfig: () => ({}) as MappingConfig, connectors: new Map(), connectorIds: new Map() });
  }, 60_000);
  afterAll(async () => db?.close());

  const run = async () => {
    const res = await graphql({ schema: admin.schema(), source: QUERY });
    expect(res.errors).toBeUndefined();
    return (res.data as { syncHealth: Record<string, unknown> }).syncHealth as never as Health;
  };

  it('is an admin root field, so the gateway guards it with the API tokens', () => {
    expect(rootFieldsOf([admin.typeDefs()]).has('Query.syncHealth')).toBe(true);
  });

  it('an empty database: nothing polled, nothing queued', async () => {
    const h = await run();
    expect(h.changeCapture).toEqual([]);
    expect(h.webhookInbox).toEqual([]);
    expect(h.writeBack).toEqual([]);
    expect(h.deadLetters.open).toBe(0);
    expect(h.deadLetters.newest).toEqual([]);
    expect(h.deadLetters.replayHint).toContain('customer-graph deadletters replay');
  });

  it('counts cursors, inbox events, outbox rows by status and open dead letters exactly', async () => {
    const d = db.db;
    await d.insert(connectors).values([
      { id: 'sf', crm: 'salesforce', name: 'Salesforce' },
      { id: 'hs', crm: 'hubspot', name: 'HubSpot' },
      { id: 'hs-new', crm: 'hubspot', name: 'HubSpot EU' },
    ]);
    await d.transaction(async (tx) => {
      await writeCursor(tx, 'hs', 'contacts', { after: '2026-01-01' });
      await writeCursor(tx, 'sf', 'Contact', { after: 'x' });
      await writeCursor(tx, 'gone', 'Lead', { after: 'y' }); // a connector removed since: still listed
    });
    await d.update(syncCursors).set({ updatedAt: ago(120) }).where(eq(syncCursors.connectorId, 'hs'));

    await d.transaction((tx) => insertInboxEvents(tx, 'hs', [1, 2, 3].map((n) => ({ eventId: `e${n}`, payload: { n } }))));
    await d.transaction((tx) => insertInboxEvents(tx, 'sf', [{ eventId: 's1', payload: {} }]));
    const ids = Object.fromEntries((await d.select({ id: webhookInbox.id, eventId: webhookInbox.eventId }).from(webhookInbox)).map((r) => [r.eventId, r.id]));
    await d.transaction(async (tx) => {
      await markInboxProcessed(tx, [ids.e1!, ids.s1!]);
      await markInboxFailed(tx, [ids.e2!], 'mapping failed: no email');
    });
    await d.update(webhookInbox).set({ receivedAt: ago(300) }).where(eq(webhookInbox.id, ids.e2!));

    let k = 0;
    const row = (connectorId: string, objectType: string, extra: Partial<typeof writebackOutbox.$inferInsert>) =>
      ({ connectorId, objectType, recordId: `r${++k}`, fields: { Email: 'a@b.c' }, idempotencyKey: `k${k}`, ...extra });
    await d.insert(writebackOutbox).values([
      row('sf', 'Contact', { status: 'pending', createdAt: ago(40) }),
      row('sf', 'Contact', { status: 'pending' }),
      row('sf', 'Contact', { status: 'pending' }),
      row('sf', 'Contact', { status: 'pending', attempts: 1, lastError: 'CRM_RATE_LIMITED' }),
      row('sf', 'Contact', { status: 'in_flight', claimedAt: new Date(), claimToken: 't' }),
      row('sf', 'Contact', { status: 'done' }),
      row('sf', 'Contact', { status: 'done' }),
      row('sf', 'Contact', { status: 'done', updatedAt: ago(7200) }), // older than an hour: not counted
      row('sf', 'Contact', { status: 'stale', lastError: 'Email changed' }),
      row('sf', 'Contact', { status: 'dead', lastError: 'invalid email' }),
      row('hs', 'contacts', { status: 'done' }),
    ]);
    await d.insert(writebackDeadLetters).values([
      { outboxId: 100, connectorId: 'sf', objectType: 'Contact', recordId: 'r10', goldenId: 'cus_1', fields: {}, code: 'CRM_VALIDATION', nativeCode: 'INVALID_EMAIL_ADDRESS', reason: 'Email: invalid email address', createdAt: ago(60) },
      { outboxId: 101, connectorId: 'sf', objectType: 'Contact', recordId: 'r11', fields: {}, code: 'CRM_NOT_FOUND', reason: 'entity is deleted' },
      { outboxId: 102, connectorId: 'hs', objectType: 'contacts', recordId: 'h1', fields: {}, code: 'CRM_VALIDATION', reason: 'replayed already', replayedAt: new Date() },
    ]);

    const h = await run();
    expect(h.changeCapture.map((c) => [c.connectorId, c.crm, c.connectorName, c.objectType])).toEqual([
      ['gone', 'gone', null, 'Lead'],
      ['hs', 'hubspot', 'HubSpot', 'contacts'],
      ['hs-new', 'hubspot', 'HubSpot EU', null],
      ['sf', 'salesforce', 'Salesforce', 'Contact'],
    ]);
    const hs = h.changeCapture[1]!;
    expect(hs.ageSeconds).toBeGreaterThanOrEqual(120);
    expect(hs.ageSeconds).toBeLessThan(180);
    expect(new Date(hs.updatedAt!).toISOString()).toBe(hs.updatedAt);
    expect(h.changeCapture[2]).toMatchObject({ updatedAt: null, ageSeconds: null });

    expect(h.webhookInbox).toHaveLength(1); // sf's only event is processed
    expect(h.webhookInbox[0]).toMatchObject({ connectorId: 'hs', crm: 'hubspot', unprocessed: 2, failed: 1, lastError: 'mapping failed: no email' });
    expect(h.webhookInbox[0]!.oldestAgeSeconds).toBeGreaterThanOrEqual(300);
    expect(h.webhookInbox[0]!.oldestAgeSeconds).toBeLessThan(360);

    expect(h.writeBack).toHaveLength(2);
    expect(h.writeBack[0]).toMatchObject({ connectorId: 'hs', objectType: 'contacts', pending: 0, retrying: 0, inFlight: 0, doneLastHour: 1, stale: 0, dead: 0, oldestPendingAt: null, oldestPendingAgeSeconds: null });
    expect(h.writeBack[1]).toMatchObject({ connectorId: 'sf', crm: 'salesforce', objectType: 'Contact', pending: 3, retrying: 1, inFlight: 1, doneLastHour: 2, stale: 1, dead: 1 });
    expect(h.writeBack[1]!.oldestPendingAgeSeconds).toBeGreaterThanOrEqual(40);
    expect(h.writeBack[1]!.oldestPendingAgeSeconds).toBeLessThan(100);

    expect(h.deadLetters.open).toBe(2);
    expect(h.deadLetters.newest.map((x) => [x.crm, x.recordId, x.code])).toEqual([['salesforce', 'r11', 'CRM_NOT_FOUND'], ['salesforce', 'r10', 'CRM_VALIDATION']]);
    expect(h.deadLetters.newest[1]).toMatchObject({ customerId: 'cus_1', nativeCode: 'INVALID_EMAIL_ADDRESS', message: 'Email: invalid email address' });
    // No poll outcome stored yet: the poll fields are empty, not invented from the cursor.
    expect(h.changeCapture[1]).toMatchObject({ lastPolledAt: null, lastPollAgeSeconds: null, lastSuccessAt: null, recordsLastPoll: null, lastError: null, consecutiveFailures: 0 });
  });

  it('poll outcomes: merged into the cursor lines, objects without a cursor listed, a connector polled loses its "never polled" line', async () => {
    const d = db.db;
    // hs/contacts: a cursor that last moved 2 min ago, polled fine 5 s ago with nothing new (a quiet object).
    await recordPollSuccess(d, 'hs', 'contacts', { records: 0, at: ago(5) });
    // sf/Contact: succeeded an hour ago, then failed three times in a row, the last 10 s ago.
    await recordPollSuccess(d, 'sf', 'Contact', { records: 7, at: ago(3600) });
    await recordPollFailure(d, 'sf', 'Contact', { code: 'CRM_UNAVAILABLE', message: 'salesforce: connection refused', crm: 'salesforce', at: ago(40) });
    await recordPollFailure(d, 'sf', 'Contact', { code: 'CRM_UNAVAILABLE', message: 'salesforce: connection refused', crm: 'salesforce', at: ago(25) });
    await recordPollFailure(d, 'sf', 'Contact', { code: 'CRM_AUTH_FAILED', message: 'salesforce: invalid_grant', crm: 'salesforce', at: ago(10) });
    // hs-new: never stored a cursor (every poll failed), and a second object of it.
    await recordPollFailure(d, 'hs-new', 'contacts', { code: 'CRM_RATE_LIMITED', message: 'hubspot: 429', at: ago(3) });
    await recordPollSuccess(d, 'hs-new', 'companies', { records: 2, at: ago(4) });

    const h = await run();
    expect(h.changeCapture.map((c) => [c.connectorId, c.objectType, c.consecutiveFailures])).toEqual([
      ['gone', 'Lead', 0],
      ['hs', 'contacts', 0],
      ['hs-new', 'companies', 0],
      ['hs-new', 'contacts', 1],
      ['sf', 'Contact', 3],
    ]);
    const [, hs, companies, hsNew, sf] = h.changeCapture;
    expect(hs).toMatchObject({ crm: 'hubspot', recordsLastPoll: 0, lastError: null });
    expect(hs!.ageSeconds).toBeGreaterThanOrEqual(120); // the cursor's age is still the cursor's
    expect(hs!.lastPollAgeSeconds).toBeGreaterThanOrEqual(5);
    expect(hs!.lastPollAgeSeconds).toBeLessThan(60);
    expect(hs!.lastSuccessAt).toBe(hs!.lastPolledAt);

    expect(sf).toMatchObject({ recordsLastPoll: 7, lastError: { code: 'CRM_AUTH_FAILED', message: 'salesforce: invalid_grant', crm: 'salesforce' } });
    expect(sf!.lastError!.at).toBe(sf!.lastPolledAt);
    expect(sf!.lastPollAgeSeconds).toBeGreaterThanOrEqual(10);
    expect(sf!.lastPollAgeSeconds).toBeLessThan(60);
    expect(sf!.lastSuccessAgeSeconds).toBeGreaterThanOrEqual(3600);
    expect(sf!.updatedAt).not.toBeNull();

    expect(hsNew).toMatchObject({ crm: 'hubspot', connectorName: 'HubSpot EU', updatedAt: null, ageSeconds: null, lastSuccessAt: null, lastSuccessAgeSeconds: null, recordsLastPoll: null, lastError: { code: 'CRM_RATE_LIMITED', crm: null } });
    expect(companies).toMatchObject({ updatedAt: null, recordsLastPoll: 2, lastError: null });

    // A success clears the error and the count; the last success moves.
    await recordPollSuccess(d, 'sf', 'Contact', { records: 1 });
    const sfAfter = (await run()).changeCapture.find((c) => c.connectorId === 'sf')!;
    expect(sfAfter).toMatchObject({ consecutiveFailures: 0, lastError: null, recordsLastPoll: 1, lastPollAgeSeconds: 0, lastSuccessAgeSeconds: 0 });
  });
});

interface Health {
  generatedAt: string;
  changeCapture: {
    connectorId: string; crm: string; connectorName: string | null; objectType: string | null; updatedAt: string | null; ageSeconds: number | null;
    lastPolledAt: string | null; lastPollAgeSeconds: number | null; lastSuccessAt: string | null; lastSuccessAgeSeconds: number | null;
    recordsLastPoll: number | null; consecutiveFailures: number; lastError: { code: string; message: string; at: string; crm: string | null } | null;
  }[];
  webhookInbox: { connectorId: string; crm: string; unprocessed: number; failed: number; oldestAgeSeconds: number | null; lastError: string | null }[];
  writeBack: { connectorId: string; objectType: string; oldestPendingAgeSeconds: number | null }[];
  deadLetters: { open: number; replayHint: string; newest: { id: string; crm: string; recordId: string | null; code: string }[] };
}
