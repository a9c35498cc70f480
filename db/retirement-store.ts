/**
 * The durable record of connector deletions whose links are retired (`connector_retirements`, migration 0013;
 * sync/connector-retirement.ts, sync/retirement-resumer.ts). Why a row and not "links whose connector is not stored":
 * a connector can be missing from a process for other reasons (disabled, demo or real connectors not run here, a demo
 * sandbox left out at start), and only an admin's deletion may retire links. The row is written in the deleting
 * transaction (connector-store.ts `remove(id, { retireLinks: true })`), so no crash can lose it.
 *
 * A lease (owner, until — the database's clock, never a process's) lets one process at a time work on a retirement;
 * every pass renews it in its own transaction, so a process that lost it (stalled past it, or the connector was added
 * again under the same id) commits nothing more. Every statement checks the connector is still deleted.
 */
import { and, asc, count, eq, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import { leaseUntil } from './lease.ts';
import type { Database } from './open-database.ts';
import type { Tx } from './link-store.ts';
import { connectorRetirements, connectors, recordLinks } from './schema.ts';

export interface DueRetirement {
  connectorId: string;
  crm: string;
  requestedAt: Date;
}

const stillDeleted = sql`not exists (select 1 from ${connectors} where ${connectors.id} = ${connectorRetirements.connectorId})`;

/**
 * Records a deletion (again, for a connector added back and deleted once more): its retirement is due, its progress
 * counted from zero. `name` is kept for the admin API, the connector row being gone.
 */
export async function recordConnectorDeletion(tx: Tx, connectorId: string, crm: string, name: string | null = null): Promise<void> {
  const due = {
    crm, connectorName: name, requestedAt: new Date(), finishedAt: null, leaseOwner: null, leaseUntil: null, updatedAt: new Date(),
    linksRetired: 0, goldenDeleted: 0, snapshotsChanged: 0, progressAt: null, lastError: null, lastErrorAt: null,
  };
  await tx.insert(connectorRetirements).values({ connectorId, ...due }).onConflictDoUpdate({ target: connectorRetirements.connectorId, set: due });
}

/** Retirements not finished whose connector is still deleted (one added back under its id is left alone). */
export async function dueRetirements(db: Database): Promise<DueRetirement[]> {
  return db.select({ connectorId: connectorRetirements.connectorId, crm: connectorRetirements.crm, requestedAt: connectorRetirements.requestedAt })
    .from(connectorRetirements)
    .where(and(isNull(connectorRetirements.finishedAt), stillDeleted))
    .orderBy(connectorRetirements.requestedAt);
}

/** Takes the lease of a due retirement when nobody holds it (or it expired, or `owner` holds it already). */
export async function claimRetirement(db: Database, connectorId: string, owner: string, leaseMs: number): Promise<boolean> {
  const rows = await db.update(connectorRetirements)
    .set({ leaseOwner: owner, leaseUntil: leaseUntil(leaseMs), updatedAt: new Date() })
    .where(and(
      eq(connectorRetirements.connectorId, connectorId), isNull(connectorRetirements.finishedAt), stillDeleted,
      sql`(${connectorRetirements.leaseOwner} is null or ${connectorRetirements.leaseOwner} = ${owner} or ${connectorRetirements.leaseUntil} < now())`,
    ))
    .returning({ id: connectorRetirements.connectorId });
  return rows.length > 0;
}

/**
 * In a pass's transaction: renews the lease and adds the pass's retired links; false when `owner` no longer holds it
 * (or the connector was added back), and then the pass must roll back.
 */
export async function renewRetirementLease(tx: Tx, connectorId: string, owner: string, leaseMs: number, retired: number): Promise<boolean> {
  const rows = await tx.update(connectorRetirements)
    .set({ leaseUntil: leaseUntil(leaseMs), linksRetired: sql`${connectorRetirements.linksRetired} + ${retired}`, updatedAt: new Date() })
    .where(and(eq(connectorRetirements.connectorId, connectorId), eq(connectorRetirements.leaseOwner, owner), isNull(connectorRetirements.finishedAt), stillDeleted))
    .returning({ id: connectorRetirements.connectorId });
  return rows.length > 0;
}

/** Marks the retirement finished, if `owner` holds it and no active link of the connector is left; whether it did. */
export async function finishRetirement(db: Database, connectorId: string, owner: string): Promise<boolean> {
  const rows = await db.update(connectorRetirements)
    .set({ finishedAt: sql`now()`, leaseOwner: null, leaseUntil: null, updatedAt: new Date() })
    .where(and(
      eq(connectorRetirements.connectorId, connectorId), eq(connectorRetirements.leaseOwner, owner), isNull(connectorRetirements.finishedAt), stillDeleted,
      sql`not exists (select 1 from ${recordLinks} where ${recordLinks.connectorId} = ${connectorId} and ${recordLinks.status} = 'active')`,
    ))
    .returning({ id: connectorRetirements.connectorId });
  return rows.length > 0;
}

/**
 * In a pass's transaction, after its golden records were recomputed: what the pass did, and when. `problem` (e.g. a
 * CRM that could not be read) becomes the last error; a pass without one leaves the last error as it was.
 */
export async function recordRetirementPass(tx: Tx, connectorId: string, pass: { goldenDeleted: number; snapshotsChanged: number; problem?: string | null }): Promise<void> {
  await tx.update(connectorRetirements)
    .set({
      goldenDeleted: sql`${connectorRetirements.goldenDeleted} + ${pass.goldenDeleted}`,
      snapshotsChanged: sql`${connectorRetirements.snapshotsChanged} + ${pass.snapshotsChanged}`,
      progressAt: sql`now()`,
      ...(pass.problem ? { lastError: pass.problem, lastErrorAt: sql`now()` } : {}),
    })
    .where(eq(connectorRetirements.connectorId, connectorId));
}

/** Keeps why a run failed (it is resumed at the next check), for the admin API. */
export async function recordRetirementError(db: Database, connectorId: string, message: string): Promise<void> {
  await db.update(connectorRetirements).set({ lastError: message.slice(0, 2000), lastErrorAt: sql`now()` })
    .where(eq(connectorRetirements.connectorId, connectorId));
}

/** Gives the lease up (a run stopped or failed): the next check of any process takes the retirement over at once. */
export async function releaseRetirement(db: Database, connectorId: string, owner: string): Promise<void> {
  await db.update(connectorRetirements).set({ leaseOwner: null, leaseUntil: null, updatedAt: new Date() })
    .where(and(eq(connectorRetirements.connectorId, connectorId), eq(connectorRetirements.leaseOwner, owner)));
}

/** The stored state of one retirement (tests, the admin API). */
export async function retirementOf(db: Database, connectorId: string) {
  const [row] = await db.select().from(connectorRetirements).where(eq(connectorRetirements.connectorId, connectorId));
  return row;
}

/** A deletion whose connector is still deleted, as stored, with the database's clock (to read the lease against). */
export type StoredRetirement = typeof connectorRetirements.$inferSelect & { now: Date };

/**
 * Every retirement of a connector that is still deleted (one added back is not listed), newest deletion first. Only
 * the stored row: the links still active are counted per unfinished retirement by `activeLinkCount`.
 */
export async function listRetirements(db: Database): Promise<StoredRetirement[]> {
  const rows = await db.select({ row: connectorRetirements, now: sql<string>`now()` }).from(connectorRetirements)
    .where(stillDeleted)
    .orderBy(sql`${connectorRetirements.requestedAt} desc`, asc(connectorRetirements.connectorId));
  return rows.map((r) => ({ ...r.row, now: new Date(r.now) }));
}

/**
 * Deletes the record of retirements finished before `cutoff` (the admin API's "Deleted connectors" stops listing
 * them); unfinished ones are never deleted, whatever their age. How many went.
 */
export async function pruneFinishedRetirements(db: Database, cutoff: Date): Promise<number> {
  const gone = await db.delete(connectorRetirements)
    .where(and(isNotNull(connectorRetirements.finishedAt), lt(connectorRetirements.finishedAt, cutoff)))
    .returning({ connectorId: connectorRetirements.connectorId });
  return gone.length;
}

/** Active links of a connector: one range scan of record_links_native_uq (connector id is its first column). */
export async function activeLinkCount(db: Database, connectorId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(recordLinks)
    .where(and(eq(recordLinks.connectorId, connectorId), eq(recordLinks.status, 'active')));
  return Number(row?.n ?? 0);
}
