/**
 * The durable customer change feed: `customer_change_log` keeps every `customerChanged` event with a sequence
 * number, so a consumer that was disconnected (a deploy, a network blip, a gateway restart) catches up exactly
 * instead of re-reading everything. Written by `publishCustomerChanged` (change-events.ts) in the statement that
 * NOTIFYs; read by `customerChanged(after:)` (gateway/subscriptions) and `customerChanges(after:)` (identity).
 *
 * Ordering: every publisher takes one transaction-level advisory lock before it draws sequence numbers, and holds it
 * until its transaction ends. So a row becomes visible only after every row with a lower seq is committed (or rolled
 * back): a reader that has seen seq N will never later find a committed row below N, and NOTIFYs arrive in seq order.
 * The price is that publishing transactions finish one at a time from their publish to their commit. Every
 * publisher in the product (change-applier, identity-admin, connector-retirement) already holds the linking lock
 * (db/link-store.ts lockLinking) for its whole transaction, so this serialises no one new, and the order of the two
 * locks is always linking first: no deadlock. docs/change-latency-bench.md ("Change log") measures the cost.
 *
 * Cursors are opaque (`base64url("c1:<seq>")`). A cursor is expired when rows after it were pruned: the retention
 * keeps the newest row always, and deletes oldest first, so "is row <seq> still here, or is nothing older than
 * <seq + 1> gone" answers it without a separate watermark.
 */
import { and, asc, desc, gt, inArray, lte, lt, max, min, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { deleteInBatches } from './batch-delete.ts';
import { ProductError } from '../lib/product-error.ts';
import type { Database } from './open-database.ts';
import { customerChangeLog } from './schema.ts';

/** The advisory lock key publishers serialise on (any constant of ours; 'ccl' in ASCII). */
export const CHANGE_LOG_LOCK_KEY = 0x63636c;

const CURSOR_PREFIX = 'c1:';

export function encodeChangeCursor(seq: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${seq}`, 'utf8').toString('base64url');
}

/** The sequence a cursor stands for; null when it is not one of ours. */
export function decodeChangeCursor(cursor: string): number | null {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(cursor)) return null;
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!raw.startsWith(CURSOR_PREFIX)) return null;
  const digits = raw.slice(CURSOR_PREFIX.length);
  if (!/^\d{1,15}$/.test(digits)) return null;
  return Number(digits);
}

/** One event to log and NOTIFY: its columns, and the NOTIFY payload after `{"seq":N,` (see change-events.ts). */
export interface ChangeLogEntry {
  customerId: string;
  changedFields: string[] | null;
  version: number | null;
  at: string;
  /** The rest of the JSON payload, starting with its first key (no opening brace). */
  payloadRest: string;
}

/**
 * One statement: take the publishers' lock, draw a seq per entry (in order), insert them all, NOTIFY each on
 * `channel` with `{"seq":N,…}` in seq order. One statement per call keeps a backfill (which publishes for every
 * change) at one round trip per publish, and makes it atomic even on a handle outside a transaction.
 */
export function logAndNotifyStatement(channel: string, entries: readonly ChangeLogEntry[]): SQL {
  const input = JSON.stringify(entries.map((e, i) => ({
    i, customer_id: e.customerId, changed_fields: e.changedFields, version: e.version, at: e.at, rest: e.payloadRest,
  })));
  // `numbered` is materialised (it is read twice), so nextval runs once per entry, in input order, after the lock.
  return sql`with lock as (select pg_advisory_xact_lock(${CHANGE_LOG_LOCK_KEY}) as locked),
numbered as materialized (
  select nextval(pg_get_serial_sequence('customer_change_log', 'seq')) as seq, x.*
  from lock, (select * from jsonb_to_recordset(${input}::jsonb)
    as r(i int, customer_id text, changed_fields text[], version int, at timestamptz, rest text) order by i) x
),
ins as (
  insert into customer_change_log (seq, customer_id, changed_fields, snapshot_version, at)
  select seq, customer_id, changed_fields, version, at from numbered
)
select count(pg_notify(${channel}, '{"seq":' || seq || ',' || rest)) as notified from (select seq, rest from numbered order by seq) n`;
}

export interface LoggedChange {
  seq: number;
  customerId: string;
  changedFields: string[] | null;
  version: number | null;
  at: Date;
}

export type ChangeLogReader = Pick<Database, 'select'>;

/**
 * The `after` argument of a change-feed query or subscription: null when absent; a malformed cursor is
 * BAD_USER_INPUT naming the argument (a cursor of another list included).
 */
export function changeCursorArgument(after: string | null | undefined): number | null {
  if (after === null || after === undefined) return null;
  const seq = decodeChangeCursor(after);
  if (seq === null) {
    throw new ProductError('BAD_USER_INPUT', `after: '${after.slice(0, 60)}' is not a customer change cursor (pass the \`cursor\` of a CustomerChange, or an endCursor or headCursor of customerChanges)`, { argumentName: 'after' });
  }
  return seq;
}

/**
 * Throws CURSOR_EXPIRED (a ProductError) when changes after `afterSeq` may have been pruned: the log is pruned
 * oldest first, so that is when its oldest kept row is not the next one after the cursor. Check after reading a
 * page, not before: the oldest kept row only moves forward, so a check that passes after the read covers it. (Sequence numbers of rolled-back
 * publishes right after a pruned cursor read as expired too: erring on the side of a resync, never of a gap.)
 */
export async function checkChangeCursor(db: ChangeLogReader, afterSeq: number): Promise<void> {
  const [row] = await db.select({ oldest: min(customerChangeLog.seq) }).from(customerChangeLog);
  // Nothing logged at all: nothing was ever pruned (the retention keeps the newest row).
  if (row?.oldest == null) return;
  const oldest = Number(row.oldest);
  if (afterSeq < oldest - 1) {
    throw new ProductError('CURSOR_EXPIRED', 'after: the cursor is older than the change log keeps (CUSTOMER_GRAPH_CHANGE_LOG_RETENTION_HOURS): changes after it were deleted. '
      + 'Re-read the customers you hold, then continue from a fresh cursor (customerChanges.headCursor, taken before the re-read).', { argumentName: 'after' });
  }
}

/** Logged changes after `afterSeq` (all: null), oldest first, of these customers (all: null), at most `limit`. */
export async function readChangesAfter(db: ChangeLogReader, afterSeq: number | null, limit: number, customerIds: readonly string[] | null = null): Promise<LoggedChange[]> {
  const conditions: SQL[] = [];
  if (afterSeq !== null) conditions.push(gt(customerChangeLog.seq, afterSeq));
  if (customerIds) conditions.push(inArray(customerChangeLog.customerId, [...customerIds]));
  const rows = await db.select().from(customerChangeLog).where(and(...conditions)).orderBy(asc(customerChangeLog.seq)).limit(limit);
  return rows.map((r) => ({ seq: Number(r.seq), customerId: r.customerId, changedFields: r.changedFields, version: r.snapshotVersion, at: r.at }));
}

/** The newest committed seq (0 when nothing was ever logged): a cursor meaning "from now on". */
export async function headChangeSeq(db: ChangeLogReader): Promise<number> {
  const [row] = await db.select({ newest: max(customerChangeLog.seq) }).from(customerChangeLog);
  return row?.newest == null ? 0 : Number(row.newest);
}

/**
 * Deletes changes detected before `before`, oldest first, `batch` per statement; how many went. Only a prefix in
 * seq order goes (an event whose `at` is out of order never leaves a hole the expiry check could not see), and the
 * newest row always stays, so the expiry check and `headChangeSeq` still know where the log stands.
 */
export async function pruneChangeLog(db: Pick<Database, 'select' | 'delete'>, before: Date, batch = 5000): Promise<number> {
  const [boundary] = await db.select({ seq: customerChangeLog.seq }).from(customerChangeLog)
    .where(lt(customerChangeLog.at, before)).orderBy(desc(customerChangeLog.at), desc(customerChangeLog.seq)).limit(1);
  if (!boundary) return 0;
  const newest = await headChangeSeq(db);
  const through = Math.min(Number(boundary.seq), newest - 1);
  if (through < 1) return 0;
  return deleteInBatches(db, customerChangeLog, customerChangeLog.seq, lte(customerChangeLog.seq, through), batch, customerChangeLog.seq);
}
