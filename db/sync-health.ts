/**
 * Sync health at a glance, for the admin "Sync health" page: where change polling stands per connector object,
 * what the webhook inbox and the write-back outbox hold, and the dead letters not yet replayed. Read-only, a few
 * aggregate queries (one per table, grouped in the database), so the page stays cheap however deep the queues get.
 */
import { and, desc, eq, isNull, lte, not, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Database } from './open-database.ts';
import { CHANGE_CAPTURE_LEASE, readLease } from './process-lease-store.ts';
import type { StoredLease } from './process-lease-store.ts';
import { connectors, syncCursors, syncPollStatus, webhookInbox, writebackDeadLetters, writebackOutbox } from './schema.ts';

export interface PollError {
  /** The connector error code (CRM_AUTH_FAILED, CRM_RATE_LIMITED, CRM_UNAVAILABLE…). */
  code: string;
  message: string;
  at: Date;
  /** The CRM that failed: usually the object's own; another when applying the changes needed its records. */
  crm: string | null;
}

export interface CursorHealth {
  connectorId: string;
  crm: string;
  connectorName: string | null;
  /** null: a configured connector with neither a cursor nor a poll outcome yet (its first poll reads everything). */
  objectType: string | null;
  /** When the cursor last moved (the batch up to it was committed); null: no cursor stored. */
  updatedAt: Date | null;
  /** When the last poll of this object ended, successful or not (`sync_poll_status`); null: no outcome stored. */
  lastAttemptAt: Date | null;
  lastSuccessAt: Date | null;
  /** Records (changed or deleted) read by the last successful poll. */
  recordsLastPoll: number | null;
  /** The last poll's failure; null when the last poll succeeded (or none was recorded). */
  lastError: PollError | null;
  /** Failed polls since the last success. */
  consecutiveFailures: number;
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
  /**
   * The process that runs polling, change streams and webhook upkeep for this database (its 'change-capture' lease,
   * sync/leadership.ts); null when none holds it (no process running, or polling and streams stopped everywhere).
   */
  changeCaptureLeader: StoredLease | null;
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

  // Poll outcomes, apart from the cursors: an object whose polls fail before its first batch has no cursor at all.
  const statusRows = await db
    .select({
      connectorId: syncPollStatus.connectorId,
      crm: connectors.crm,
      connectorName: connectors.name,
      objectType: syncPollStatus.objectType,
      lastAttemptAt: syncPollStatus.lastAttemptAt,
      lastSuccessAt: syncPollStatus.lastSuccessAt,
      recordsLastPoll: syncPollStatus.recordsLastRound,
      lastErrorCode: syncPollStatus.lastErrorCode,
      lastErrorMessage: syncPollStatus.lastErrorMessage,
      lastErrorAt: syncPollStatus.lastErrorAt,
      lastErrorCrm: syncPollStatus.lastErrorCrm,
      consecutiveFailures: syncPollStatus.consecutiveFailures,
    })
    .from(syncPollStatus)
    .leftJoin(connectors, eq(connectors.id, syncPollStatus.connectorId));

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

  const leader = await readLease(db, CHANGE_CAPTURE_LEASE);
  return {
    generatedAt: now,
    changeCaptureLeader: leader ?? null,
    cursors: mergeCursorsAndPolls(cursorRows, statusRows),
    inbox: inboxRows.map((r) => ({ ...r, crm: r.crm ?? r.connectorId })),
    outbox: outboxRows.map((r) => ({ ...r, crm: r.crm ?? r.connectorId })),
    deadLetters: { open: openCount?.n ?? 0, newest: newest.map((r) => ({ ...r, crm: r.crm ?? r.connectorId })) },
  };
}

type CursorRow = { cursorConnector: string | null; connectorId: string | null; crm: string | null; connectorName: string | null; objectType: string | null; updatedAt: Date | null };
type StatusRow = {
  connectorId: string; crm: string | null; connectorName: string | null; objectType: string;
  lastAttemptAt: Date; lastSuccessAt: Date | null; recordsLastPoll: number | null;
  lastErrorCode: string | null; lastErrorMessage: string | null; lastErrorAt: Date | null; lastErrorCrm: string | null; consecutiveFailures: number;
};

/**
 * One line per connector object that has a cursor, a poll outcome or both; a connector with neither keeps its
 * "never polled" line (objectType null). Sorted by connector id then object (code-point order, the same on both
 * drivers), the never-polled line last.
 */
function mergeCursorsAndPolls(cursorRows: readonly CursorRow[], statusRows: readonly StatusRow[]): CursorHealth[] {
  const byKey = new Map<string, CursorHealth>();
  const noPoll = { lastAttemptAt: null, lastSuccessAt: null, recordsLastPoll: null, lastError: null, consecutiveFailures: 0 };
  for (const r of cursorRows) {
    const connectorId = r.connectorId ?? r.cursorConnector ?? '';
    byKey.set(`${connectorId}|${r.objectType ?? ''}`, { connectorId, crm: r.crm ?? connectorId, connectorName: r.connectorName, objectType: r.objectType, updatedAt: r.updatedAt, ...noPoll });
  }
  for (const s of statusRows) {
    byKey.delete(`${s.connectorId}|`); // polled after all: no "never polled" line
    const key = `${s.connectorId}|${s.objectType}`;
    const base = byKey.get(key) ?? { connectorId: s.connectorId, crm: s.crm ?? s.connectorId, connectorName: s.connectorName, objectType: s.objectType, updatedAt: null };
    const lastError = s.lastErrorCode !== null && s.lastErrorAt !== null ? { code: s.lastErrorCode, message: s.lastErrorMessage ?? '', at: s.lastErrorAt, crm: s.lastErrorCrm } : null;
    byKey.set(key, { ...base, lastAttemptAt: s.lastAttemptAt, lastSuccessAt: s.lastSuccessAt, recordsLastPoll: s.recordsLastPoll, lastError, consecutiveFailures: s.consecutiveFailures });
  }
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...byKey.values()].sort((a, b) => order(a.connectorId, b.connectorId)
    || (a.objectType === null ? 1 : 0) - (b.objectType === null ? 1 : 0)
    || order(a.objectType ?? '', b.objectType ?? ''));
}
