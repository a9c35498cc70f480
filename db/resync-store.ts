/**
 * The durable record of the admin API's resyncs (`resync_runs`, migration 0016; cli/resync.ts). Why in the database:
 * with two gateway replicas each one must answer `resyncStatus` alike, and a run cut short by a deploy, a crash or a
 * SIGKILL must be known and finished, not forgotten with the process that ran it.
 *
 * At most one unfinished run (a partial unique index), so `startResync` on any replica is refused while one runs.
 * A lease (owner, until — the database's clock, never a process's) says a process is working on it; every progress
 * write renews it, and a write by a process that lost it changes nothing (it then stops). An unfinished run whose
 * lease expired or was given up is "interrupted": the next check of any process takes it over.
 */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { leaseUntil } from './lease.ts';
import type { Database } from './open-database.ts';
import { resyncRuns } from './schema.ts';

export type StoredResync = typeof resyncRuns.$inferSelect;
/** What a run writes as it goes. */
export type ResyncProgress = Pick<StoredResync, 'objects' | 'doneTypes' | 'goldenCreated' | 'linksCreated' | 'snapshotsChanged' | 'failedObjects'>;

const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === UNIQUE_VIOLATION) return true;
  }
  return false;
}

/**
 * Records a new run held by `owner`; null when an unfinished run exists (anywhere). `goldenTypes`: the types it reads
 * (migration 0018), kept for a resumed run; absent: every type of the configuration.
 */
export async function insertResync(db: Database, id: string, owner: string, leaseMs: number, goldenTypes?: readonly string[]): Promise<StoredResync | null> {
  try {
    const [row] = await db.insert(resyncRuns)
      .values({ id, state: 'running', startedAt: sql`now()`, leaseOwner: owner, leaseUntil: leaseUntil(leaseMs), goldenTypes: goldenTypes ? [...goldenTypes] : null })
      .returning();
    return row ?? null;
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
}

/** The newest run, with the database's clock to read its lease against; undefined when none ever ran. */
export async function latestResync(db: Database): Promise<(StoredResync & { now: Date }) | undefined> {
  const [row] = await db.select({ row: resyncRuns, now: sql<string>`now()` }).from(resyncRuns).orderBy(desc(resyncRuns.startedAt)).limit(1);
  return row ? { ...row.row, now: new Date(row.now) } : undefined;
}

/** Takes over the unfinished run when its lease expired or was given up; the row, or null (none, or held). */
export async function claimInterruptedResync(db: Database, owner: string, leaseMs: number): Promise<StoredResync | null> {
  const [row] = await db.update(resyncRuns)
    .set({ leaseOwner: owner, leaseUntil: leaseUntil(leaseMs), resumes: sql`${resyncRuns.resumes} + 1`, updatedAt: new Date() })
    .where(and(isNull(resyncRuns.finishedAt), sql`(${resyncRuns.leaseOwner} is null or ${resyncRuns.leaseUntil} < now())`))
    .returning();
  return row ?? null;
}

/** Writes the run's progress and renews the lease; false when `owner` no longer holds it (then it must stop). */
export async function recordResyncProgress(db: Database, id: string, owner: string, leaseMs: number, progress: Partial<ResyncProgress>): Promise<boolean> {
  const rows = await db.update(resyncRuns)
    .set({ ...progress, leaseUntil: leaseUntil(leaseMs), updatedAt: new Date() })
    .where(and(eq(resyncRuns.id, id), eq(resyncRuns.leaseOwner, owner), isNull(resyncRuns.finishedAt)))
    .returning({ id: resyncRuns.id });
  return rows.length > 0;
}

/** Ends the run (done, or failed with its error), if `owner` holds it. */
export async function finishResync(db: Database, id: string, owner: string, end: { state: 'done' | 'failed'; error?: string | null } & Partial<ResyncProgress>): Promise<boolean> {
  const { state, error, ...progress } = end;
  const rows = await db.update(resyncRuns)
    .set({ ...progress, state, error: error ? error.slice(0, 2000) : null, finishedAt: sql`now()`, leaseOwner: null, leaseUntil: null, updatedAt: new Date() })
    .where(and(eq(resyncRuns.id, id), eq(resyncRuns.leaseOwner, owner), isNull(resyncRuns.finishedAt)))
    .returning({ id: resyncRuns.id });
  return rows.length > 0;
}

/** Gives the lease up (this process stops): the run is interrupted, and the next check of any process resumes it. */
export async function releaseResync(db: Database, id: string, owner: string): Promise<void> {
  await db.update(resyncRuns).set({ leaseOwner: null, leaseUntil: null, updatedAt: new Date() })
    .where(and(eq(resyncRuns.id, id), eq(resyncRuns.leaseOwner, owner), isNull(resyncRuns.finishedAt)));
}
