/**
 * Storage of change capture (sync/): polling cursors, the webhook inbox, and the link/golden status changes that
 * deletions and restorations make. Every function takes a transaction or the database, so a batch's changes and
 * its cursor (or its inbox rows' `processed_at`) commit together: a crash between them cannot lose or skip work.
 */
import { and, asc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Tx } from './link-store.ts';
import type { Database } from './open-database.ts';
import { goldenRecords, recordLinks, syncCursors, webhookInbox } from './schema.ts';
import { deleteInBatches } from './batch-delete.ts';

export type InboxRow = typeof webhookInbox.$inferSelect;

export async function readCursor(tx: Tx, connectorId: string, objectType: string): Promise<unknown> {
  const [row] = await tx.select({ cursor: syncCursors.cursor }).from(syncCursors)
    .where(and(eq(syncCursors.connectorId, connectorId), eq(syncCursors.objectType, objectType)));
  return row?.cursor ?? null;
}

export async function writeCursor(tx: Tx, connectorId: string, objectType: string, cursor: unknown): Promise<void> {
  await tx.insert(syncCursors).values({ connectorId, objectType, cursor })
    .onConflictDoUpdate({ target: [syncCursors.connectorId, syncCursors.objectType], set: { cursor, updatedAt: new Date() } });
}

/**
 * Stores `cursor` only when this connector and object have none yet; true when it was stored. For the cursor a full
 * read leaves behind (sync/backfill-cursors.ts): a cursor the poller already keeps is never replaced by it.
 */
export async function writeCursorIfAbsent(tx: Tx, connectorId: string, objectType: string, cursor: unknown): Promise<boolean> {
  const inserted = await tx.insert(syncCursors).values({ connectorId, objectType, cursor })
    .onConflictDoNothing({ target: [syncCursors.connectorId, syncCursors.objectType] })
    .returning({ connectorId: syncCursors.connectorId });
  return inserted.length > 0;
}

/** Stores webhook events; an event id already stored for this connector is ignored. Returns how many were new. */
export async function insertInboxEvents(tx: Tx, connectorId: string, events: readonly { eventId: string; payload: unknown }[]): Promise<number> {
  if (events.length === 0) return 0;
  const inserted = await tx.insert(webhookInbox)
    .values(events.map((e) => ({ connectorId, eventId: e.eventId, payload: e.payload })))
    .onConflictDoNothing({ target: [webhookInbox.connectorId, webhookInbox.eventId] })
    .returning({ id: webhookInbox.id });
  return inserted.length;
}

/** Unprocessed rows, oldest first, without locking them (the worker prepares their records outside a transaction). */
export async function pendingInbox(tx: Tx, limit: number, maxAttempts: number): Promise<InboxRow[]> {
  return tx.select().from(webhookInbox)
    .where(and(isNull(webhookInbox.processedAt), sql`${webhookInbox.attempts} < ${maxAttempts}`))
    .orderBy(asc(webhookInbox.id)).limit(limit);
}

/** Locks those of `ids` that are still unprocessed and not locked by another worker (FOR UPDATE SKIP LOCKED). */
export async function claimInbox(tx: Tx, ids: readonly number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await tx.select({ id: webhookInbox.id }).from(webhookInbox)
    .where(and(inArray(webhookInbox.id, [...ids]), isNull(webhookInbox.processedAt)))
    .for('update', { skipLocked: true });
  return rows.map((r) => r.id);
}

export async function markInboxProcessed(tx: Tx, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.update(webhookInbox).set({ processedAt: new Date(), lastError: null, attempts: sql`${webhookInbox.attempts} + 1` })
    .where(inArray(webhookInbox.id, [...ids]));
}

/**
 * Deletes processed inbox rows processed before `before`, at most `batch` per statement (through the processed_at
 * index), until none is left; returns how many went. Unprocessed rows are never deleted, however old: they are
 * changes not applied yet. A CRM redelivering a pruned event stores it again, and applying it again only re-reads
 * the record.
 */
export async function pruneProcessedInbox(db: Pick<Database, 'select' | 'delete'>, before: Date, batch = 5000): Promise<number> {
  return deleteInBatches(db, webhookInbox, webhookInbox.id, lt(webhookInbox.processedAt, before), batch, webhookInbox.processedAt);
}

/** A failed attempt: counted, with its reason; the rows stay unprocessed and are tried again. */
export async function markInboxFailed(tx: Tx, ids: readonly number[], error: string): Promise<void> {
  if (ids.length === 0) return;
  await tx.update(webhookInbox).set({ attempts: sql`${webhookInbox.attempts} + 1`, lastError: error.slice(0, 2000) })
    .where(inArray(webhookInbox.id, [...ids]));
}

/** Marks links of these native records deleted (history kept); returns the golden ids they belonged to. */
export async function markLinksDeleted(tx: Tx, connectorId: string, objectType: string, recordIds: readonly string[], at: Date = new Date()): Promise<string[]> {
  if (recordIds.length === 0) return [];
  const rows = await tx.update(recordLinks).set({ status: 'deleted', deletedAt: at })
    .where(and(eq(recordLinks.connectorId, connectorId), eq(recordLinks.objectType, objectType), inArray(recordLinks.recordId, [...recordIds]), eq(recordLinks.status, 'active')))
    .returning({ goldenId: recordLinks.goldenId });
  return [...new Set(rows.map((r) => r.goldenId))];
}

/** A native record seen alive again (HubSpot restore, Salesforce undelete): its deleted link becomes active. */
export async function reactivateLinks(tx: Tx, connectorId: string, objectType: string, recordIds: readonly string[]): Promise<string[]> {
  if (recordIds.length === 0) return [];
  const rows = await tx.update(recordLinks).set({ status: 'active', deletedAt: null })
    .where(and(eq(recordLinks.connectorId, connectorId), eq(recordLinks.objectType, objectType), inArray(recordLinks.recordId, [...recordIds]), eq(recordLinks.status, 'deleted')))
    .returning({ goldenId: recordLinks.goldenId });
  return [...new Set(rows.map((r) => r.goldenId))];
}

export interface LiveLink {
  goldenId: string; connectorId: string; crm: string; objectType: string; recordId: string;
  /** Field clock as last stored by change capture (resolver-engine field-clock.ts); null before the first. */
  fieldClock: Record<string, { h: string; at: string }> | null;
}

/** Active links of these golden records. */
export async function liveLinksOf(tx: Tx, goldenIds: readonly string[]): Promise<LiveLink[]> {
  if (goldenIds.length === 0) return [];
  return tx.select({ goldenId: recordLinks.goldenId, connectorId: recordLinks.connectorId, crm: recordLinks.crm, objectType: recordLinks.objectType, recordId: recordLinks.recordId, fieldClock: recordLinks.fieldClock })
    .from(recordLinks)
    .where(and(inArray(recordLinks.goldenId, [...goldenIds]), eq(recordLinks.status, 'active')))
    .orderBy(asc(recordLinks.crm), asc(recordLinks.objectType), asc(recordLinks.recordId));
}

/** Stores advanced field clocks (only those that changed: callers compare first). */
export type FieldClockUpdate = { connectorId: string; objectType: string; recordId: string; fieldClock: Record<string, { h: string; at: string }> };

/** Stores field clocks, one statement per 500 links (the rows travel as one JSON parameter): a backfill writes one per record. */
export async function writeFieldClocks(tx: Tx, updates: readonly FieldClockUpdate[]): Promise<void> {
  for (let i = 0; i < updates.length; i += 500) {
    const rows = JSON.stringify(updates.slice(i, i + 500).map((u) => ({ c: u.connectorId, o: u.objectType, r: u.recordId, f: u.fieldClock })));
    await tx.update(recordLinks).set({ fieldClock: sql`v.f` })
      .from(sql`jsonb_to_recordset(${rows}::jsonb) as v(c text, o text, r text, f jsonb)`)
      .where(and(eq(recordLinks.connectorId, sql`v.c`), eq(recordLinks.objectType, sql`v.o`), eq(recordLinks.recordId, sql`v.r`)));
  }
}

/** The stored field clocks of these links (of one connector and object), by record id; links without one are absent. */
export async function fieldClocksOf(tx: Tx, connectorId: string, objectType: string, recordIds: readonly string[]): Promise<Map<string, Record<string, { h: string; at: string }>>> {
  const out = new Map<string, Record<string, { h: string; at: string }>>();
  const ids = [...new Set(recordIds)];
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await tx.select({ recordId: recordLinks.recordId, fieldClock: recordLinks.fieldClock }).from(recordLinks)
      .where(and(eq(recordLinks.connectorId, connectorId), eq(recordLinks.objectType, objectType), inArray(recordLinks.recordId, ids.slice(i, i + 1000))));
    for (const r of rows) if (r.fieldClock) out.set(r.recordId, r.fieldClock);
  }
  return out;
}

export interface GoldenState { id: string; entityType: string; status: string; snapshot: Record<string, unknown> | null }

export async function goldenStates(tx: Tx, ids: readonly string[]): Promise<Map<string, GoldenState>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.select({ id: goldenRecords.id, entityType: goldenRecords.entityType, status: goldenRecords.status, snapshot: goldenRecords.snapshot })
    .from(goldenRecords).where(inArray(goldenRecords.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r]));
}

/** Sets the status of golden records (active ↔ deleted); merged records are left alone. */
export async function setGoldenStatus(tx: Tx, ids: readonly string[], status: 'active' | 'deleted'): Promise<void> {
  if (ids.length === 0) return;
  await tx.update(goldenRecords).set({ status, updatedAt: new Date() })
    .where(and(inArray(goldenRecords.id, [...ids]), inArray(goldenRecords.status, ['active', 'deleted'])));
}
