/**
 * The outcome of the last poll per connector object (`sync_poll_status`), for the admin Sync health page: one
 * upsert per object per round, outside the batch transactions — it reports on polling and is never part of the
 * work, so the poller calls these after the object's batches and carries on if they fail.
 * Times go in as Dates through drizzle's column encoding (postgres.js refuses a raw Date parameter).
 */
import { sql } from 'drizzle-orm';
import type { Tx } from './link-store.ts';
import { syncPollStatus } from './schema.ts';

/** Error messages are kept short: the page quotes them, the log has the rest. */
const MAX_MESSAGE = 1000;

/** A poll that read every batch up to now: the object is healthy again, whatever failed before. */
export async function recordPollSuccess(tx: Tx, connectorId: string, objectType: string, outcome: { records: number; at?: Date }): Promise<void> {
  const at = outcome.at ?? new Date();
  const fields = {
    lastAttemptAt: at, lastSuccessAt: at, recordsLastRound: outcome.records,
    lastErrorCode: null, lastErrorMessage: null, lastErrorAt: null, lastErrorCrm: null, consecutiveFailures: 0,
  };
  await tx.insert(syncPollStatus).values({ connectorId, objectType, ...fields })
    .onConflictDoUpdate({ target: [syncPollStatus.connectorId, syncPollStatus.objectType], set: fields });
}

/**
 * A poll that failed (before or after some batches were committed): its code, message and failing CRM replace the
 * previous error and the run of failures grows by one; the last success and its record count stay as they were.
 */
export async function recordPollFailure(tx: Tx, connectorId: string, objectType: string, failure: { code: string; message: string; crm?: string; at?: Date }): Promise<void> {
  const at = failure.at ?? new Date();
  const fields = { lastAttemptAt: at, lastErrorCode: failure.code, lastErrorMessage: failure.message.slice(0, MAX_MESSAGE), lastErrorAt: at, lastErrorCrm: failure.crm ?? null };
  await tx.insert(syncPollStatus).values({ connectorId, objectType, ...fields, consecutiveFailures: 1 })
    .onConflictDoUpdate({
      target: [syncPollStatus.connectorId, syncPollStatus.objectType],
      set: { ...fields, consecutiveFailures: sql`${syncPollStatus.consecutiveFailures} + 1` },
    });
}

