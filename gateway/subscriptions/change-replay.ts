/**
 * `customerChanged(after:)`: catch up from the change log, then continue live, with no gap and nothing twice.
 *
 * Order of work: the subscriber is registered with the hub FIRST (its live events queue up meanwhile), then the
 * log is replayed page by page after the cursor (oldest first, same ids and fields filter, each `customer`
 * resolved like a live event), then the queued live events are handed out, skipping those the replay already
 * delivered (seq ≤ the last one replayed). Publishers commit in seq order (db/change-log.ts), and a NOTIFY arrives
 * only after its row is committed, so every live event that was queued before the last log read is either in the
 * replay or after it: nothing falls between the two.
 */
import { GraphQLError } from 'graphql';
import { changeCursorArgument, checkChangeCursor, encodeChangeCursor, readChangesAfter } from '../../db/change-log.ts';
import type { ChangeLogReader, LoggedChange } from '../../db/change-log.ts';
import { ProductError } from '../../lib/product-error.ts';
import { firesFor } from './change-hub.ts';
import type { CustomerChangeHub, CustomerChangePayload } from './change-hub.ts';
import type { CustomerInterest } from './customer-interest.ts';
import type { Logger } from '../../lib/logger.ts';

/** Log rows read per page while catching up (each page's resolutions run concurrently). */
const REPLAY_PAGE = 100;

/** `after` as a sequence; a malformed cursor is BAD_USER_INPUT (as a GraphQL error). */
export function replayStart(after: string | null | undefined): number | null {
  try {
    return changeCursorArgument(after);
  } catch (err) {
    throw asGraphQLError(err);
  }
}

/**
 * The subscriber's stream: replayed payloads, then live ones beyond the replay. Resolves once the first page is
 * read and the cursor checked, so an expired cursor fails the subscription (CURSOR_EXPIRED) before anything is sent.
 * `afterSeq` null: live from now on, with no first read.
 *
 * A subscriber too slow for its live queue (OrderedQueue's capacity) loses nothing: when the queue dropped events,
 * the stream goes back to the log right after the last change it handed out (or just before the first dropped one)
 * and replays from there, page by page, before it takes live events again. Memory stays bounded by the queue and
 * one page; the cost is one log read per page. Only changes pruned from the log meanwhile (older than the
 * retention) could still be missed: the replay then ends the subscription with CURSOR_EXPIRED, never with a gap.
 */
export async function catchUpStream(
  hub: CustomerChangeHub, changeLog: ChangeLogReader, interest: CustomerInterest, afterSeq: number | null,
  logger?: Pick<Logger, 'info'>,
): Promise<AsyncIterableIterator<CustomerChangePayload>> {
  const live = hub.subscribe(interest);
  const ids = interest.ids ? [...interest.ids] : null;
  let lastSeq: number | null = afterSeq;
  let page: LoggedChange[] = [];
  try {
    if (afterSeq !== null) {
      page = await readChangesAfter(changeLog, afterSeq, REPLAY_PAGE, ids);
      await checkChangeCursor(changeLog, afterSeq);
    }
  } catch (err) {
    live.close();
    throw asGraphQLError(err);
  }
  let pending: Promise<CustomerChangePayload>[] = [];
  let replaying = afterSeq !== null;
  let closed = false;

  const resolvePage = (rows: readonly LoggedChange[]) => {
    if (rows.length > 0) lastSeq = rows[rows.length - 1]!.seq;
    pending = rows
      .filter((row) => firesFor(interest, { customerId: row.customerId, changedFields: row.changedFields ?? undefined, at: '' }))
      .map(async (row) => ({
        seq: row.seq,
        cursor: encodeChangeCursor(row.seq),
        customerId: row.customerId,
        changedFields: row.changedFields ?? ['*'],
        version: row.version,
        at: row.at.toISOString(),
        customer: interest.resolution ? await hub.resolveFor(interest.resolution, row.customerId) : null,
      }));
    for (const p of pending) p.catch(() => {});
  };
  resolvePage(page);
  let pageWasFull = page.length === REPLAY_PAGE;

  const iterator: AsyncIterableIterator<CustomerChangePayload> = {
    async next() {
      for (;;) {
        while (replaying && !closed) {
          const item = pending.shift();
          if (item) return { done: false, value: await item };
          if (!pageWasFull) {
            replaying = false;
            break;
          }
          const rows = await readChangesAfter(changeLog, lastSeq, REPLAY_PAGE, ids);
          pageWasFull = rows.length === REPLAY_PAGE;
          resolvePage(rows);
        }
        if (closed) return { done: true, value: undefined };
        // Live events the queue dropped for want of room are read back from the log, from where this stream stands.
        const dropped = live.takeDropped();
        if (dropped) {
          const from = lastSeq ?? dropped.min - 1;
          logger?.info({ from, dropped: dropped.max - from }, 'a slow subscriber fell behind its live queue: catching up from the change log');
          let rows: LoggedChange[];
          try {
            rows = await readChangesAfter(changeLog, from, REPLAY_PAGE, ids);
            await checkChangeCursor(changeLog, from);
          } catch (err) {
            throw asGraphQLError(err);
          }
          lastSeq = from;
          pageWasFull = rows.length === REPLAY_PAGE;
          resolvePage(rows);
          replaying = true;
          continue;
        }
        // Live: whatever queued up while replaying is skipped up to the last replayed change.
        const step = await live.next();
        if (step.done) return { done: true, value: undefined };
        if (step.value.seq !== null && lastSeq !== null && step.value.seq <= lastSeq) continue;
        if (step.value.seq !== null) lastSeq = step.value.seq;
        return step;
      }
    },
    async return() {
      closed = true;
      pending = [];
      await live.return();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

const asGraphQLError = (err: unknown) => (err instanceof ProductError ? new GraphQLError(err.message, { extensions: err.extensions }) : err);
