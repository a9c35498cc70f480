/**
 * Named leases one process per database holds at a time (`process_leases`, migration 0017), for work that must not
 * run in every replica: the 'change-capture' lease (sync/leadership.ts) names the process that polls the CRMs, keeps
 * their change streams open and upkeeps their webhook subscriptions. Every time is the database's clock
 * (`now() + leaseMs`, lease.ts), so hosts with skewed clocks agree on when a lease has expired. Each function is one
 * statement: two processes racing for a lease are ordered by the row lock, and exactly one of them gets it. A process
 * may also take a live lease over from a named holder (`takeOverLease`): change capture's polling processes take it
 * from one that does not poll (sync/leadership.ts).
 */
import { and, eq, gt, sql } from 'drizzle-orm';
import { leaseUntil } from './lease.ts';
import type { Database } from './open-database.ts';
import { processLeases } from './schema.ts';

/** The lease of change capture's CRM-facing loops (polling, change streams, webhook subscription upkeep). */
export const CHANGE_CAPTURE_LEASE = 'change-capture';

export interface StoredLease {
  name: string;
  owner: string;
  /** When this owner took it (its renewals keep this time). */
  acquiredAt: Date;
  renewedAt: Date;
  expiresAt: Date;
  /** Past its expiry by the database's clock: any process may take it. */
  expired: boolean;
}

/**
 * Takes the lease for `owner`: a new row, or the row of an expired lease, or one `owner` already holds (then it is
 * renewed and keeps its acquisition time). False when another owner holds it unexpired.
 */
export async function tryAcquireLease(db: Database, name: string, owner: string, leaseMs: number): Promise<boolean> {
  const rows = await db.insert(processLeases)
    .values({ name, owner, acquiredAt: sql`now()`, renewedAt: sql`now()`, expiresAt: leaseUntil(leaseMs) })
    .onConflictDoUpdate({
      target: processLeases.name,
      set: {
        owner: sql`excluded.owner`,
        acquiredAt: sql`case when ${processLeases.owner} = excluded.owner then ${processLeases.acquiredAt} else now() end`,
        renewedAt: sql`now()`,
        expiresAt: sql`excluded.expires_at`,
      },
      setWhere: sql`${processLeases.owner} = excluded.owner or ${processLeases.expiresAt} <= now()`,
    })
    .returning({ owner: processLeases.owner });
  return rows.length > 0;
}

/**
 * Extends `owner`'s lease by `leaseMs` from now; false when it is not `owner`'s any more (another process took it
 * after it expired, or it was released). A lease that expired but nobody took is still ours and is renewed: no
 * other process ever held it meanwhile.
 */
export async function renewLease(db: Database, name: string, owner: string, leaseMs: number): Promise<boolean> {
  const rows = await db.update(processLeases)
    .set({ renewedAt: sql`now()`, expiresAt: leaseUntil(leaseMs) })
    .where(and(eq(processLeases.name, name), eq(processLeases.owner, owner)))
    .returning({ owner: processLeases.owner });
  return rows.length > 0;
}

/**
 * Takes the lease from `from` for `owner` while `from` still holds it, expired or not (a compare-and-set on the
 * current owner, on the database's clock): the lease is `owner`'s for `leaseMs` from now, taken now. False when
 * another process took or released it meanwhile, so of several processes taking over from one holder exactly one
 * succeeds. `from`'s next renewal finds the lease gone (renewLease answers false).
 */
export async function takeOverLease(db: Database, name: string, from: string, owner: string, leaseMs: number): Promise<boolean> {
  const rows = await db.update(processLeases)
    .set({ owner, acquiredAt: sql`now()`, renewedAt: sql`now()`, expiresAt: leaseUntil(leaseMs) })
    .where(and(eq(processLeases.name, name), eq(processLeases.owner, from)))
    .returning({ owner: processLeases.owner });
  return rows.length > 0;
}

/** Gives `owner`'s lease up so another process takes it at its next check; another owner's lease is left alone. */
export async function releaseLease(db: Database, name: string, owner: string): Promise<boolean> {
  const rows = await db.delete(processLeases)
    .where(and(eq(processLeases.name, name), eq(processLeases.owner, owner)))
    .returning({ owner: processLeases.owner });
  return rows.length > 0;
}

/** The lease as stored, with whether it expired by the database's clock; undefined when nobody holds it. */
export async function readLease(db: Database, name: string): Promise<StoredLease | undefined> {
  const [row] = await db.select({ lease: processLeases, live: sql<boolean>`${gt(processLeases.expiresAt, sql`now()`)}` })
    .from(processLeases).where(eq(processLeases.name, name));
  return row ? { ...row.lease, expired: !row.live } : undefined;
}
