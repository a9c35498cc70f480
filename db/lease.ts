/**
 * Leases on the database's clock, shared by the stores whose work one process at a time may hold (connector
 * retirements, resyncs): `now() + leaseMs`, never a process's own clock, so hosts with skewed clocks agree on when
 * a lease has expired.
 */
import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';

/** The expiry of a lease taken or renewed now, as an SQL expression (at least 1 ms). */
export function leaseUntil(leaseMs: number): SQL {
  return sql`now() + ${Math.max(1, Math.round(leaseMs))} * interval '1 millisecond'`;
}
