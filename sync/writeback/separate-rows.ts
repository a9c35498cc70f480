/**
 * When the CRM refuses for good (CRM_VALIDATION, CRM_NOT_FOUND…) the one update a record's coalesced rows became, the
 * refusal may come from one row's field only: a row setting `jobtitle` is refused with its neighbour's invalid
 * `lifecyclestage`. So the rows of such a record are sent again one by one, and each row is settled by its own answer:
 * only the rows the CRM really refuses become dead letters, each with its own error.
 *
 * Rows go in waves, the k-th row (outbox order) of every such record in one `updateMany` batch (within the
 * connector's batch size), so the last value per field still wins and a wave costs one call however many records
 * failed. The worker's rules hold: the lease is renewed and checked right before each call (rows lost to another
 * worker are neither sent nor settled), echo marks are recorded before it, a retryable answer sends the row back to
 * pending; the later rows of a record whose row was retried or lost are not sent before it (they are retried with
 * it), so an older value never lands after a newer one.
 */
import type { Connector, UpdateItem, WriteResult } from '../../connectors/contract/index.ts';
import { asConnectorError } from '../../connectors/contract/index.ts';
import type { ConnectorError } from '../../connectors/contract/index.ts';
import type { Database } from '../../db/open-database.ts';
import { recordEchoMarks } from '../../db/echo-marks.ts';
import { completeOutbox, renewOutboxLease } from '../../db/outbox-store.ts';
import type { OutboxRow } from '../../db/outbox-store.ts';
import { deadLetterOutbox } from '../../db/writeback-store.ts';
import type { DeadLetterInput } from '../../db/writeback-store.ts';
import { fieldsToSend } from './concurrency.ts';

/** Codes worth trying again later even though the CRM call itself is not retryable right now. */
export const LATER = new Set(['CRM_AUTH_FAILED', 'CRM_BUDGET_EXHAUSTED']);

export function isRetryable(error: ConnectorError): boolean {
  return error.retryable || LATER.has(error.code);
}

export function letter(row: OutboxRow, error: ConnectorError): DeadLetterInput {
  const details = (error.details ?? {}) as Record<string, unknown>;
  const nativeCode = typeof details.nativeCode === 'string' ? details.nativeCode : null;
  return { row, code: error.code, nativeCode, reason: error.message };
}

export interface SeparateRowsContext {
  db: Database;
  connector: Connector;
  connectorId: string;
  objectType: string;
  /** The claim token of the rows. */
  token: string;
  /** Items per `updateMany` call. */
  size: number;
  counts: { done: number; dead: number; calls: number };
  retry(rows: OutboxRow[], error: ConnectorError): Promise<void>;
  /** Reports rows an outcome update did not change (the claim no longer holds them). */
  lost(wanted: readonly number[], changed: readonly number[], outcome: string): void;
}

/** Sends the rows of these records (each refused for good as one coalesced update) one by one, and settles each. */
export async function deliverRowsSeparately(ctx: SeparateRowsContext, records: readonly { rows: readonly OutboxRow[] }[]): Promise<void> {
  const queues = records.map((r) => [...r.rows].sort((a, b) => a.id - b.id));
  // Records none of whose later rows may go any more (one row was retried or lost): those rows went back with it.
  const halted = new Set<number>();
  for (let k = 0; queues.some((rows) => rows.length > k); k++) {
    const wave = queues.map((rows, q) => ({ q, row: rows[k] }))
      .filter((w): w is { q: number; row: OutboxRow } => w.row !== undefined && !halted.has(w.q));
    for (let i = 0; i < wave.length; i += ctx.size) {
      await sendWave(ctx, wave.slice(i, i + ctx.size), (q) => {
        halted.add(q);
        return queues[q]!.slice(k + 1);
      });
    }
  }
}

/**
 * `halt(q)`: the record's row of this wave is retried (or lost); returns its later rows, which are retried with it
 * (one retry time: they stay coalesced next round) rather than sent before it.
 */
async function sendWave(ctx: SeparateRowsContext, wave: { q: number; row: OutboxRow }[], halt: (q: number) => OutboxRow[]): Promise<void> {
  const ids = wave.map((w) => w.row.id);
  const held = new Set(await renewOutboxLease(ctx.db, ctx.token, ids));
  if (held.size < ids.length) {
    ctx.lost(ids, [...held], 'send');
    const error = asConnectorError(ctx.connector.crm, new Error('an earlier change of this record is held by another worker'));
    const later = wave.filter((w) => !held.has(w.row.id)).flatMap((w) => halt(w.q));
    if (later.length > 0) await ctx.retry(later, error);
    wave = wave.filter((w) => held.has(w.row.id));
    if (wave.length === 0) return;
  }
  const { connectorId, objectType } = ctx;
  const items: UpdateItem[] = wave.map((w) => ({ id: w.row.recordId ?? '', fields: fieldsToSend(w.row) }));
  await recordEchoMarks(ctx.db, wave.map((w) => ({ connectorId, objectType, recordId: w.row.recordId ?? '', goldenId: w.row.goldenId ?? null, fields: fieldsToSend(w.row) })));
  let results: WriteResult[];
  try {
    ctx.counts.calls++;
    results = await ctx.connector.updateMany(objectType, items, { lane: 'writeback' });
  } catch (err) {
    const error = asConnectorError(ctx.connector.crm, err);
    if (isRetryable(error)) {
      await ctx.retry(wave.flatMap((w) => [w.row, ...halt(w.q)]), error);
    } else {
      await settleDead(ctx, wave.map((w) => letter(w.row, error)));
    }
    return;
  }
  const done: number[] = [];
  const dead: DeadLetterInput[] = [];
  const retry: { rows: OutboxRow[]; error: ConnectorError }[] = [];
  wave.forEach((w, j) => {
    const r = results[j];
    if (r?.ok) done.push(w.row.id);
    else if (!r || isRetryable(r.error)) {
      const error = r ? r.error : asConnectorError(ctx.connector.crm, new Error('no result for this item'));
      retry.push({ rows: [w.row, ...halt(w.q)], error });
    } else dead.push(letter(w.row, r.error));
  });
  const completed = await completeOutbox(ctx.db, done, ctx.token);
  ctx.counts.done += completed.length;
  ctx.lost(done, completed, 'done');
  await settleDead(ctx, dead);
  for (const r of retry) await ctx.retry(r.rows, r.error);
}

async function settleDead(ctx: SeparateRowsContext, dead: DeadLetterInput[]): Promise<void> {
  if (dead.length === 0) return;
  const lettered = await deadLetterOutbox(ctx.db, dead, ctx.token);
  ctx.counts.dead += lettered.length;
  ctx.lost(dead.map((d) => d.row.id), lettered, 'dead letter');
}
