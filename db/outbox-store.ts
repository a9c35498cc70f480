/**
 * The write-back outbox. Rows are added in the same transaction as the golden change that caused them; workers
 * claim them with `FOR UPDATE SKIP LOCKED` so two workers never take the same row, and a row whose worker died
 * (its lease expired) becomes claimable again — nothing is lost when a worker is killed mid-batch.
 *
 * Every claim stamps its rows with a fresh `claim_token`. Outcome updates (done, retry, dead, stale, release) and lease
 * renewals given that token only touch rows still `in_flight` under it: a worker that stalled past its lease (GC
 * pause, stopped VM) while another worker claimed and sent its rows cannot overwrite that outcome when it wakes up.
 * They answer the ids they actually changed, so the caller can report the rest as lost claims.
 */
import crypto from 'node:crypto';
import { and, countDistinct, eq, inArray, lt, lte, min, or, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Database } from './open-database.ts';
import { writebackOutbox } from './schema.ts';
import { deleteInBatches } from './batch-delete.ts';

export type OutboxRow = typeof writebackOutbox.$inferSelect;
export type OutboxInsert = typeof writebackOutbox.$inferInsert;

export interface ClaimOptions {
  workerId: string;
  limit: number;
  /** A row in flight for longer than this is taken to belong to a dead worker. */
  leaseMs?: number;
  connectorId?: string;
  /** Only rows of these connector objects (the ones whose batch is ready, see `dueOutbox`). */
  groups?: readonly OutboxGroup[];
}

export interface OutboxGroup {
  connectorId: string;
  objectType: string;
}

export interface DueGroup extends OutboxGroup {
  /** Distinct records with a claimable row (what one CRM batch counts). */
  records: number;
  /** The earliest moment one of its claimable rows became due (queued, or its retry time). */
  oldestDueAt: Date;
  /** Some rows are in flight under an expired lease (a dead worker's): they are overdue already. */
  reclaimable: boolean;
}

/** Rows a claim would take now: a pending row that is due, or an in-flight row whose lease expired. */
function claimableAt(now: Date, leaseMs: number): SQL | undefined {
  const staleBefore = new Date(now.getTime() - leaseMs);
  return or(
    and(eq(writebackOutbox.status, 'pending'), lte(writebackOutbox.nextAttemptAt, now)),
    and(eq(writebackOutbox.status, 'in_flight'), lte(writebackOutbox.claimedAt, staleBefore)),
  );
}

/**
 * What is claimable now, per connector object, without claiming it: the worker's batch-fill window looks here to
 * decide whether a batch is full or has waited long enough.
 */
export async function dueOutbox(db: Database, opts: { leaseMs?: number } = {}): Promise<DueGroup[]> {
  const rows = await db
    .select({
      connectorId: writebackOutbox.connectorId,
      objectType: writebackOutbox.objectType,
      records: countDistinct(writebackOutbox.recordId),
      oldestDueAt: min(writebackOutbox.nextAttemptAt),
      reclaimable: sql<boolean>`bool_or(${writebackOutbox.status} = 'in_flight')`,
    })
    .from(writebackOutbox)
    .where(claimableAt(new Date(), opts.leaseMs ?? 60_000))
    .groupBy(writebackOutbox.connectorId, writebackOutbox.objectType);
  return rows.map((r) => ({ ...r, oldestDueAt: r.oldestDueAt ?? new Date(0), reclaimable: Boolean(r.reclaimable) }));
}

/** Adds rows; a row whose idempotency key is already queued is ignored (a retried mutation adds nothing twice). */
export async function enqueueOutbox(db: Database, rows: OutboxInsert[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await db.insert(writebackOutbox).values(rows).onConflictDoNothing({ target: writebackOutbox.idempotencyKey }).returning({ id: writebackOutbox.id });
  return inserted.length;
}

/** Claims up to `limit` rows (oldest first) plus every other claimable row of the same records. */
export async function claimOutbox(db: Database, opts: ClaimOptions): Promise<OutboxRow[]> {
  const leaseMs = opts.leaseMs ?? 60_000;
  if (opts.groups && opts.groups.length === 0) return [];
  const claimToken = crypto.randomUUID();
  return db.transaction(async (tx) => {
    const now = new Date();
    const claimable = claimableAt(now, leaseMs);
    const groups = opts.groups && or(...opts.groups.map((g) => and(eq(writebackOutbox.connectorId, g.connectorId), eq(writebackOutbox.objectType, g.objectType))));
    const candidates = await tx
      .select({ id: writebackOutbox.id, connectorId: writebackOutbox.connectorId, objectType: writebackOutbox.objectType, recordId: writebackOutbox.recordId })
      .from(writebackOutbox)
      .where(and(claimable, opts.connectorId ? eq(writebackOutbox.connectorId, opts.connectorId) : undefined, groups))
      .orderBy(writebackOutbox.id)
      .limit(opts.limit)
      .for('update', { skipLocked: true });
    if (candidates.length === 0) return [];
    // Whole records: every claimable row of a claimed record comes along, so a record's pending changes are
    // coalesced into one write instead of being split by the limit across rounds (and written twice).
    const ids = new Set(candidates.map((c) => c.id));
    const key = (r: { connectorId: string; objectType: string; recordId: string | null }) => `${r.connectorId}\u0000${r.objectType}\u0000${r.recordId}`;
    const keys = new Set(candidates.filter((c) => c.recordId !== null).map(key));
    const recordIds = [...new Set(candidates.flatMap((c) => (c.recordId === null ? [] : [c.recordId])))];
    if (recordIds.length > 0) {
      const siblings = await tx
        .select({ id: writebackOutbox.id, connectorId: writebackOutbox.connectorId, objectType: writebackOutbox.objectType, recordId: writebackOutbox.recordId })
        .from(writebackOutbox)
        .where(and(claimable, inArray(writebackOutbox.recordId, recordIds)))
        .for('update', { skipLocked: true });
      for (const s of siblings) if (keys.has(key(s))) ids.add(s.id);
    }
    return tx
      .update(writebackOutbox)
      .set({ status: 'in_flight', claimedBy: opts.workerId, claimedAt: now, claimToken, attempts: sql`${writebackOutbox.attempts} + 1`, updatedAt: now })
      .where(inArray(writebackOutbox.id, [...ids]))
      .returning();
  });
}

/**
 * Which of `ids` an outcome update may touch: with the claim's token, only rows still in flight under that claim
 * (a row whose lease expired and was claimed again carries another token); without one, the rows as they are
 * (administration and tests acting on rows nobody holds).
 */
function held(ids: number[], claimToken: string | undefined): SQL | undefined {
  const byId = inArray(writebackOutbox.id, ids);
  return claimToken === undefined ? byId : and(byId, eq(writebackOutbox.claimToken, claimToken), eq(writebackOutbox.status, 'in_flight'));
}

/**
 * Hands claimed rows back untouched (pending, unclaimed, the attempt not counted): the worker does this with a
 * trailing partial batch of a full claim, so those records fill the next round's batches instead of costing a call.
 */
export async function releaseOutbox(db: Database, ids: number[], claimToken?: string): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .update(writebackOutbox)
    .set({ status: 'pending', claimedBy: null, claimedAt: null, claimToken: null, attempts: sql`greatest(${writebackOutbox.attempts} - 1, 0)`, updatedAt: new Date() })
    .where(held(ids, claimToken))
    .returning({ id: writebackOutbox.id });
  return rows.map((r) => r.id);
}

/**
 * Extends the lease on rows this claim still holds: a round longer than the lease must not let another worker take
 * them. Answers the ids still held; the worker calls it right before each CRM call too, so a row it lost while
 * stalled is not sent a second time.
 */
export async function renewOutboxLease(db: Database, claimToken: string, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .update(writebackOutbox)
    .set({ claimedAt: new Date() })
    .where(held(ids, claimToken))
    .returning({ id: writebackOutbox.id });
  return rows.map((r) => r.id);
}

export async function completeOutbox(db: Database, ids: number[], claimToken?: string): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .update(writebackOutbox)
    .set({ status: 'done', updatedAt: new Date(), lastError: null })
    .where(held(ids, claimToken))
    .returning({ id: writebackOutbox.id });
  return rows.map((r) => r.id);
}

/**
 * Deletes rows delivered (status 'done', written to the CRM) before `before` — by their `updated_at`, set when they
 * were completed — at most `batch` per statement, until none is left; returns how many went. Only delivered rows:
 * pending, in-flight, retrying ('pending' with an error), stale and dead rows are kept however old (a dead row stays
 * beside its dead letter, which a replay re-enqueues from its own copy of the fields; stale rows are what the admin Sync
 * health counts as writes skipped because the record changed in the CRM, with no time window, and `writeBackStatus`
 * lists them with their reason — pruning them would make those silently shrink). A pruned row's idempotency key
 * is free again: the same mutation retried, or the same change captured again, after this queues (and writes) again —
 * a key deduplicates only within the retention.
 */
export async function pruneDeliveredOutbox(db: Pick<Database, 'select' | 'delete'>, before: Date, batch = 5000): Promise<number> {
  return deleteInBatches(db, writebackOutbox, writebackOutbox.id, deliveredBefore(before), batch, writebackOutbox.updatedAt);
}

/**
 * The rows `pruneDeliveredOutbox` deletes, served by the partial index `writeback_outbox_prune_idx` (updated_at where
 * status = 'done'). 'done' is written into the statement, not bound (as `eq` would): the planner can use a partial
 * index only when it can prove the index's condition from the query's, and a bound status proves nothing in a
 * generic plan (which postgres.js's prepared statements may get after five runs): that plan read every delivered row
 * through the claim index, or scanned the table (tests/db/outbox-prune-index.test.ts).
 */
export function deliveredBefore(before: Date): SQL | undefined {
  return and(sql`${writebackOutbox.status} = 'done'`, lt(writebackOutbox.updatedAt, before));
}

/** A transient failure: back to pending after `retryAt`. A permanent one: dead-lettered with the CRM's reason. */
export async function failOutbox(db: Database, ids: number[], error: string, retryAt: Date | null, claimToken?: string): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .update(writebackOutbox)
    .set(retryAt ? { status: 'pending', nextAttemptAt: retryAt, lastError: error, updatedAt: new Date() } : { status: 'dead', lastError: error, updatedAt: new Date() })
    .where(held(ids, claimToken))
    .returning({ id: writebackOutbox.id });
  return rows.map((r) => r.id);
}

/** Optimistic concurrency: not sent because the CRM record changed since the plan; `reason` says which value. */
export async function markOutboxStale(db: Database, ids: number[], reason: string, claimToken?: string): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .update(writebackOutbox)
    .set({ status: 'stale', lastError: reason, updatedAt: new Date() })
    .where(held(ids, claimToken))
    .returning({ id: writebackOutbox.id });
  return rows.map((r) => r.id);
}
