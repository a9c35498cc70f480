/**
 * Write-back bookkeeping beyond the bare outbox (outbox-store.ts): a golden mutation's audit row and outbox rows
 * committed in ONE transaction (so a change is never audited without its writes, nor written without its audit),
 * and dead letters — rows a CRM refused for good — stored together with marking their outbox rows 'dead'.
 */
import { and, asc, count, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { Database } from './open-database.ts';
import type { OutboxInsert, OutboxRow } from './outbox-store.ts';
import { auditLog, writebackDeadLetters, writebackOutbox } from './schema.ts';

export type DeadLetterRow = typeof writebackDeadLetters.$inferSelect;

export interface WriteBackAudit {
  actor?: string | null;
  action: string;
  entityType: string;
  entityId: string;
  detail: Record<string, unknown>;
}

/**
 * Audit row and outbox rows together. Rows whose idempotency key is already queued are skipped (a retried mutation
 * adds nothing twice); the answer lists the ids actually added.
 */
export async function recordWriteBack(db: Database, audit: WriteBackAudit, rows: OutboxInsert[]): Promise<{ auditId: number; outboxIds: number[] }> {
  return db.transaction(async (tx) => {
    const inserted = rows.length === 0
      ? []
      : await tx.insert(writebackOutbox).values(rows).onConflictDoNothing({ target: writebackOutbox.idempotencyKey }).returning({ id: writebackOutbox.id });
    const outboxIds = inserted.map((r) => r.id);
    const [row] = await tx
      .insert(auditLog)
      .values({ actor: audit.actor ?? null, action: audit.action, entityType: audit.entityType, entityId: audit.entityId, detail: { ...audit.detail, outboxIds } })
      .returning({ id: auditLog.id });
    return { auditId: row!.id, outboxIds };
  });
}

export interface DeadLetterInput {
  row: Pick<OutboxRow, 'id' | 'connectorId' | 'objectType' | 'recordId' | 'goldenId' | 'fields'>;
  code: string;
  nativeCode?: string | null;
  reason: string;
}

/**
 * Marks the outbox rows 'dead' and keeps each refusal with the CRM's code and message (once per outbox row). With
 * the claim's token, only rows still in flight under that claim are touched (a worker that lost its lease while
 * stalled must not turn another worker's outcome into a dead letter); answers the outbox ids dead-lettered.
 */
export async function deadLetterOutbox(db: Database, letters: DeadLetterInput[], claimToken?: string): Promise<number[]> {
  if (letters.length === 0) return [];
  return db.transaction(async (tx) => {
    const now = new Date();
    const held = (id: number) => (claimToken === undefined
      ? eq(writebackOutbox.id, id)
      : and(eq(writebackOutbox.id, id), eq(writebackOutbox.claimToken, claimToken), eq(writebackOutbox.status, 'in_flight')));
    const kept: DeadLetterInput[] = [];
    for (const l of letters) {
      const changed = await tx.update(writebackOutbox).set({ status: 'dead', lastError: l.reason, updatedAt: now }).where(held(l.row.id)).returning({ id: writebackOutbox.id });
      if (changed.length > 0) kept.push(l);
    }
    if (kept.length === 0) return [];
    await tx
      .insert(writebackDeadLetters)
      .values(kept.map((l) => ({
        outboxId: l.row.id, connectorId: l.row.connectorId, objectType: l.row.objectType, recordId: l.row.recordId,
        goldenId: l.row.goldenId, fields: l.row.fields, code: l.code, nativeCode: l.nativeCode ?? null, reason: l.reason,
      })))
      .onConflictDoNothing({ target: writebackDeadLetters.outboxId });
    return kept.map((l) => l.row.id);
  });
}

/** Dead letters not yet replayed, oldest first; of one golden record when `goldenId` is given. */
export async function listDeadLetters(db: Database, opts: { goldenId?: string; limit?: number } = {}): Promise<DeadLetterRow[]> {
  const open = isNull(writebackDeadLetters.replayedAt);
  return db
    .select()
    .from(writebackDeadLetters)
    .where(opts.goldenId ? and(open, eq(writebackDeadLetters.goldenId, opts.goldenId)) : open)
    .orderBy(asc(writebackDeadLetters.id))
    .limit(opts.limit ?? 100);
}

/** Outbox rows by status (admin views and tests). */
export async function outboxDepth(db: Database): Promise<Record<string, number>> {
  const rows = await db.select({ status: writebackOutbox.status, n: count() }).from(writebackOutbox).groupBy(writebackOutbox.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** Outbox rows of golden records (status on the customer). */
export async function outboxRowsOf(db: Database, goldenIds: readonly string[]): Promise<OutboxRow[]> {
  if (goldenIds.length === 0) return [];
  return db.select().from(writebackOutbox).where(inArray(writebackOutbox.goldenId, [...goldenIds])).orderBy(asc(writebackOutbox.id));
}

export interface ReplayResult {
  /** Dead letters re-enqueued now. */
  replayed: { deadLetterId: number; outboxId: number }[];
  /** Ids not replayed: unknown, or already replayed (a replay is done once; replaying again needs a new dead letter). */
  skipped: { deadLetterId: number; reason: string }[];
}

/**
 * Re-enqueues dead letters as NEW outbox rows (the dead row keeps its history) and marks them replayed, in one
 * transaction. The idempotency key `replay:<dead letter id>` makes a concurrent or repeated replay add nothing twice.
 * Without ids: every open dead letter (up to 1000).
 */
export async function replayDeadLetters(db: Database, ids?: readonly number[]): Promise<ReplayResult> {
  return db.transaction(async (tx) => {
    const wanted = ids ? [...new Set(ids)] : null;
    const found = await tx
      .select()
      .from(writebackDeadLetters)
      .where(wanted ? inArray(writebackDeadLetters.id, wanted.length > 0 ? wanted : [-1]) : isNull(writebackDeadLetters.replayedAt))
      .orderBy(asc(writebackDeadLetters.id))
      .limit(wanted ? wanted.length || 1 : 1000)
      .for('update');
    const result: ReplayResult = { replayed: [], skipped: [] };
    const byId = new Map(found.map((d) => [d.id, d]));
    for (const id of wanted ?? found.map((d) => d.id)) {
      const d = byId.get(id);
      if (!d) { result.skipped.push({ deadLetterId: id, reason: `no dead letter ${id}` }); continue; }
      if (d.replayedAt) { result.skipped.push({ deadLetterId: id, reason: `dead letter ${id} was already replayed at ${d.replayedAt.toISOString()}` }); continue; }
      const [row] = await tx
        .insert(writebackOutbox)
        .values({ connectorId: d.connectorId, objectType: d.objectType, recordId: d.recordId, goldenId: d.goldenId, operation: 'update', fields: d.fields, idempotencyKey: `replay:${d.id}` })
        .onConflictDoNothing({ target: writebackOutbox.idempotencyKey })
        .returning({ id: writebackOutbox.id });
      await tx.update(writebackDeadLetters).set({ replayedAt: new Date() }).where(eq(writebackDeadLetters.id, d.id));
      if (row) result.replayed.push({ deadLetterId: d.id, outboxId: row.id });
      else result.skipped.push({ deadLetterId: id, reason: `dead letter ${id} is already queued again` });
    }
    return result;
  });
}

/** Latest dead letters first (admin view); replayed ones included so an admin sees what happened. */
export async function recentDeadLetters(db: Database, limit = 50): Promise<DeadLetterRow[]> {
  return db.select().from(writebackDeadLetters).orderBy(desc(writebackDeadLetters.id)).limit(limit);
}

/** Every dead letter of one golden record, replayed or not, oldest first. */
export async function deadLettersOf(db: Database, goldenId: string): Promise<DeadLetterRow[]> {
  return db.select().from(writebackDeadLetters).where(eq(writebackDeadLetters.goldenId, goldenId)).orderBy(asc(writebackDeadLetters.id));
}
