/**
 * `snapshot_basis` (migration 0018): per golden type, the mapping configuration version its stored golden snapshots
 * (golden_records.snapshot: listing, search, change detection) follow. Written when a full read of the type completes
 * with no failed object (cli/link-on-start.ts `linkAll`: the start link run, a joined CRM, `sync --backfill`, each type
 * a resync finishes), with the version the read STARTED with: a save during the read leaves the type stale.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from './open-database.ts';
import { goldenRecords, snapshotBasis } from './schema.ts';

export interface SnapshotBasis {
  goldenType: string;
  mappingVersion: number;
  readAt: Date | null;
}

/** Records that the stored records of `goldenTypes` were all read again with `mappingVersion` (read now). */
export async function recordSnapshotBasis(db: Database, goldenTypes: readonly string[], mappingVersion: number): Promise<void> {
  if (goldenTypes.length === 0) return;
  await db.insert(snapshotBasis)
    .values(goldenTypes.map((goldenType) => ({ goldenType, mappingVersion, readAt: sql`now()` })))
    .onConflictDoUpdate({ target: snapshotBasis.goldenType, set: { mappingVersion, readAt: sql`now()` } });
}

/** Every golden type's basis (types never read completely have none). */
export async function listSnapshotBasis(db: Database): Promise<SnapshotBasis[]> {
  return db.select().from(snapshotBasis).orderBy(snapshotBasis.goldenType);
}

/** Whether any active golden record of the type is stored (one probe of golden_records_type_idx). */
export async function hasGoldenRecords(db: Database, goldenType: string): Promise<boolean> {
  const rows = await db.select({ id: goldenRecords.id }).from(goldenRecords)
    .where(and(eq(goldenRecords.entityType, goldenType), eq(goldenRecords.status, 'active'))).limit(1);
  return rows.length > 0;
}
