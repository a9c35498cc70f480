/**
 * Sync health at a glance, for the admin "Sync health" page: where change polling stands per connector object,
 * what the webhook inbox and the write-back outbox hold, and the dead letters not yet replayed. Read-only, a few
 * aggregate queries (one per table, grouped in the database), so the page stays cheap however deep the queues get.
 */
import { and, desc, eq, isNull, lte, not, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Database } from './open-database.ts';
import { connectors, syncCursors, webhookInbox, writebackDeadLetters, writebackOutbox } from './schema.ts';

export interface CursorHealth {
  connectorId: string;
  crm: string;
  connectorName: string | null;
  /** null: a configured connector no poll has stored a cursor for yet (its first poll reads everything). */
  objectType: string | null;
  /** When the cursor last moved (the batch up to it was committed); null: never polled. */
  updatedAt: Date | null;
}

export interface InboxHealth {
  connectorId: string;
  crm: string;
  unprocessed: number;
  oldestUnprocessedAt: Date | null;
  /** Unprocessed events that were tried and failed at least once (attempts > 0). */
  failed: number;
  lastError: string | null;
}

export interface OutboxHealth {
  connectorId: string;
  crm: string;
  objectType: string;
  /** Waiting for their first attempt. */
  pending: number;
  /** Failed for a passing reason (rate limit, timeout…); pending again until their retry time. */
  retrying: number;
  inFlight: number;
  doneLastHour: number;
  /** Not sent: the CRM record had changed since the write was planned. */
  stale: number;
  /** Refused for good; see the dead letters. */
  dead: number;
  oldestPendingAt: Date | null;
}

export interface DeadLetterSummary {
  id: number;
  connectorId: string;
  crm: string;
  objectType: string;
  recordId: string | null;
  goldenId: string | null;
  code: string;
  nativeCode: string | null;
  reason: string;
  createdAt: Date;
}

export interface SyncHealthReport {
  generatedAt: Date;
  cursors: CursorHealth[];
  inbox: InboxHealth[];
  outbox: OutboxHealth[];
  deadLetters: { open: number; newest: DeadLetterSummary[] };
}

const countWhere = (cond: SQL) => sql<number>`count(*) filter (where ${cond})`.mapWith(Number);

/** The sync health report; `newestDeadLetters` caps the list of open dead letters (newest first). */
export async function syncHealth(db: Database, opts: { newestDeadLetters?: number; now?: Date } = {}): Promise<SyncHealthReport> {
  const now = opts.now ?? new Date();
  const hourAgo = new Date(now.getTime() - 3_600_000);
  // A connector without any cursor row still shows (objectType null): it has never been polled.
  const cursorRows = await db
    .select({
      cursorConnector: syncCursors.connectorId,
      connectorId: connectors.id,
      crm: connectors.crm,
      connectorName: connectors.name,
      objectType: syncCursors.objectType,
      updatedAt: syncCursors.updatedAt,
    })
    .from(connectors)
    .fullJoin(syncCursors, eq(syncCursors.connectorId, connectors.id))
    .orderBy(sql`coalesce(${connectors.id}, ${syncCursors.connectorId})`, syncCursors.objectType);

  const unprocessed = isNull(webhookInbox.processedAt);
  const inboxRows = await db
    .select({
      connectorId: webhookInbox.connectorId,
      crm: connectors.crm,
      unprocessed: sql<number>`count(*)`.mapWith(Number),
      oldestUnprocessedAt: sql<Date | null>`min(${webhookInbox.receivedAt})`.mapWith(webhookInbox.receivedAt),
      failed: countWhere(sql`${webhookInbox.attempts} > 0`),
      // The most recent failure's reason (highest id among failed rows), for the page to quote.
      lastError: sql<string | null>`(array_agg(${webhookInbox.lastError} order by ${webhookInbox.id} desc) filter (where ${webhookInbox.lastError} is not null))[1]`,
    })
    .from(webhookInbox)
    .leftJoin(connectors, eq(connectors.id, webhookInbox.connectorId))
    .where(unprocessed)
    .groupBy(webhookInbox.connectorId, connectors.crm)
    .orderBy(webhookInbox.connectorId);

  const status = (s: string) => eq(writebackOutbox.status, s);
  const outboxRows = await db
    .select({
      connectorId: writebackOutbox.connectorId,
      crm: connectors.crm,
      objectType: writebackOutbox.objectType,
      pending: countWhere(and(status('pending'), isNull(writebackOutbox.lastError))!),
      retrying: countWhere(and(status('pending'), sql`${writebackOutbox.lastError} is not null`)!),
      inFlight: countWhere(status('in_flight')),
      // The where clause keeps only the last hour's done rows.
      doneLastHour: countWhere(status('done')),
      stale: countWhere(status('stale')),
      dead: countWhere(status('dead')),
      oldestPendingAt: sql<Date | null>`min(${writebackOutbox.createdAt}) filter (where ${status('pending')})`.mapWith(writebackOutbox.createdAt),
    })
    .from(writebackOutbox)
    .leftJoin(connectors, eq(connectors.id, writebackOutbox.connectorId))
    // Done rows older than an hour are history, not health: left out of the scan's groups.
    // Through drizzle's operator, so the time is encoded by the column (postgres.js takes no raw Date parameter).
    .where(not(and(status('done'), lte(writebackOutbox.updatedAt, hourAgo))!))
    .groupBy(writebackOutbox.connectorId, connectors.crm, writebackOutbox.objectType)
    .orderBy(writebackOutbox.connectorId, writebackOutbox.objectType);

  const open = isNull(writebackDeadLetters.replayedAt);
  const [openCount] = await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(writebackDeadLetters).where(open);
  const newest = await db
    .select({
      id: writebackDeadLetters.id,
      connectorId: writebackDeadLetters.connectorId,
      crm: connectors.crm,
      objectType: writebackDeadLetters.objectType,
      recordId: writebackDeadLetters.recordId,
      goldenId: writebackDeadLetters.goldenId,
      code: writebackDeadLetters.code,
      nativeCode: writebackDeadLetters.nativeCode,
      reason: writebackDeadLetters.reason,
      createdAt: writebackDeadLetters.createdAt,
    })
    .from(writebackDeadLetters)
    .leftJoin(connectors, eq(connectors.id, writebackDeadLetters.connectorId))
    .where(open)
    .orderBy(desc(writebackDeadLetters.id))
    .limit(Math.min(Math.max(opts.newestDeadLetters ?? 5, 0), 100));

  return {
    generatedAt: now,
    cursors: cursorRows.map((r) => {
      const connectorId = r.connectorId ?? r.cursorConnector ?? '';
      return { connectorId, crm: r.crm ?? connectorId, connectorName: r.connectorName, objectType: r.objectType, updatedAt: r.updatedAt };
    }),
    inbox: inboxRows.map((r) => ({ ...r, crm: r.crm ?? r.connectorId })),
    outbox: outboxRows.map((r) => ({ ...r, crm: r.crm ?? r.connectorId })),
    deadLetters: { open: openCount?.n ?? 0, newest: newest.map((r) => ({ ...r, crm: r.crm ?? r.connectorId })) },
  };
}
