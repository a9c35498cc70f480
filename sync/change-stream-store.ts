/**
 * What a connector's change stream keeps in `sync_cursors` under `CHANGE_STREAM_CURSOR` (the object type column names
 * the stream, not an object): `{ position, catchUp }`. `position` is the last stored batch's position. `catchUp` holds
 * the catch-up reads the stream asked for (an overflow: changes of an object with no record named) that have not
 * finished, per object: since when to read, how far the read got (`cursor`, written with each applied batch) and, when
 * another request came while it ran, since when to read again (`again`). They live in the stream's row, not rows of
 * their own: every other row of the table is an object's poll cursor, shown on the Sync health page.
 *
 * A position and the catch-up state are written by different transactions (stream batches, catch-up batches): the
 * position is merged into the stored JSON in one statement, the catch-up state under a row lock, so neither
 * overwrites the other. Catch-up writes leave `updated_at` alone: it says when the stream last stored a batch.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { ChangeCursor } from '../connectors/contract/index.ts';
import type { Tx } from '../db/link-store.ts';
import { syncCursors } from '../db/schema.ts';
import { readCursor } from '../db/sync-store.ts';

/** The `sync_cursors.object_type` a connector's stream position is stored under (no CRM object has this name). */
export const CHANGE_STREAM_CURSOR = 'change-stream';

/** One object's unfinished catch-up read. */
export interface CatchUpState {
  /** ISO: every change at or after this is read (the connector's overlap already allowed for). */
  since: string;
  /** Where the read got to (the last applied batch's cursor); null: not started, read from `since`. */
  cursor: ChangeCursor | null;
  /** ISO: a request that came while the read was under way; read again from here once it ends. */
  again?: string;
}

type StreamRow = { position?: unknown; catchUp?: Record<string, CatchUpState> };

const streamRow = (connectorId: string) => and(eq(syncCursors.connectorId, connectorId), eq(syncCursors.objectType, CHANGE_STREAM_CURSOR));

/** The stored position of a connector's stream, or null. Kept as `{ position }`: the JSON column would parse a bare string. */
export async function storedStreamPosition(tx: Tx, connectorId: string): Promise<string | null> {
  const stored = await readCursor(tx, connectorId, CHANGE_STREAM_CURSOR);
  const position = (stored as StreamRow | null)?.position;
  return typeof position === 'string' ? position : null;
}

/** Stores the position, keeping the catch-up state beside it (merged in the statement, so a concurrent catch-up write survives). */
export async function storeStreamPosition(tx: Tx, connectorId: string, position: string): Promise<void> {
  const json = JSON.stringify({ position });
  await tx.insert(syncCursors).values({ connectorId, objectType: CHANGE_STREAM_CURSOR, cursor: { position } })
    .onConflictDoUpdate({ target: [syncCursors.connectorId, syncCursors.objectType], set: { cursor: sql`${syncCursors.cursor} || ${json}::jsonb`, updatedAt: new Date() } });
}

/** Every unfinished catch-up read of a connector's stream, by object. */
export async function storedCatchUps(tx: Tx, connectorId: string): Promise<Record<string, CatchUpState>> {
  const stored = (await readCursor(tx, connectorId, CHANGE_STREAM_CURSOR)) as StreamRow | null;
  return { ...(stored?.catchUp ?? {}) };
}

/** Changes one object's catch-up state under the row's lock (`change` returns the new state, or null to drop it). */
async function changeCatchUp(tx: Tx, connectorId: string, objectType: string, change: (current: CatchUpState | undefined) => CatchUpState | null): Promise<CatchUpState | null> {
  const [row] = await tx.select({ cursor: syncCursors.cursor }).from(syncCursors).where(streamRow(connectorId)).for('update');
  const stored = (row?.cursor ?? {}) as StreamRow;
  const catchUp = { ...(stored.catchUp ?? {}) };
  const next = change(catchUp[objectType]);
  if (next) catchUp[objectType] = next;
  else delete catchUp[objectType];
  if (row) {
    await tx.update(syncCursors).set({ cursor: { ...stored, catchUp } }).where(streamRow(connectorId));
  } else {
    // First write for this stream (no batch stored yet): a batch stored meanwhile keeps its position.
    const json = JSON.stringify({ catchUp });
    await tx.insert(syncCursors).values({ connectorId, objectType: CHANGE_STREAM_CURSOR, cursor: { catchUp } })
      .onConflictDoUpdate({ target: [syncCursors.connectorId, syncCursors.objectType], set: { cursor: sql`${syncCursors.cursor} || ${json}::jsonb` } });
  }
  return next;
}

/**
 * Records a request to read `objectType` since `since`. With none pending it starts from `since`; with one pending
 * (it may be under way past `since` already) the earliest request since it came is kept as `again`, read once it ends.
 */
export async function requestCatchUp(tx: Tx, connectorId: string, objectType: string, since: Date): Promise<void> {
  const at = since.toISOString();
  await changeCatchUp(tx, connectorId, objectType, (current) => {
    if (!current) return { since: at, cursor: null };
    // The same request again (an overflow delivered twice: the stream replayed from a position stored before it): the
    // pending read already covers it, as it began after that overflow was received.
    if (at === current.since || at === current.again) return current;
    // Even one that has not stored a batch may be under way, begun before the changes asked for were committed.
    return { ...current, again: current.again !== undefined && current.again < at ? current.again : at };
  });
}

/** Drops an object's catch-up (the object is no longer mapped). */
export async function dropCatchUp(tx: Tx, connectorId: string, objectType: string): Promise<void> {
  await changeCatchUp(tx, connectorId, objectType, () => null);
}

/** Progress of a catch-up read: written in the same transaction as the batch it read. */
export async function storeCatchUpCursor(tx: Tx, connectorId: string, objectType: string, cursor: ChangeCursor): Promise<void> {
  await changeCatchUp(tx, connectorId, objectType, (current) => (current ? { ...current, cursor } : null));
}

/** The read reached the present: the state is dropped, or restarts from `again` (returned) when a request came meanwhile. */
export async function finishCatchUp(tx: Tx, connectorId: string, objectType: string): Promise<CatchUpState | null> {
  return changeCatchUp(tx, connectorId, objectType, (current) => (current?.again !== undefined ? { since: current.again, cursor: null } : null));
}
