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

/** Log rows read per page while catching up (each page's resolutions run concurrently). */
const REPLAY_PAGE = 100;

/** `after` as a sequence; a malformed cursor is BAD_USER_INPUT (as a GraphQL error). */
export function replayStart(after: string | null | undefined): number | null {
  try {
    return changeCursorArgument(after);
  } catch (err) {
    throw err instanceof ProductError ? new GraphQLError(err.message, { extensions: err.extensions }) : err;
  }
}

/**
 * The subscriber's stream: replayed payloads, then live ones beyond the replay. Resolves once the first page is
 * read and the cursor checked, so an expired cursor fails the subscription (CURSOR_EXPIRED) before anything is sent.
 */
export async function catchUpStream(
  hub: CustomerChangeHub, changeLog: ChangeLogReader, interest: CustomerInterest, afterSeq: number,
): Promise<AsyncIterableIterator<CustomerChangePayload>> {
  const live = hub.subscribe(interest);
  const ids = interest.ids ? [...interest.ids] : null;
  let lastSeq = afterSeq;
  let page: LoggedChange[];
  try {
    page = await readChangesAfter(changeLog, afterSeq, REPLAY_PAGE, ids);
    await checkChangeCursor(changeLog, afterSeq);
  } catch (err) {
    live.close();
    throw err instanceof ProductError ? new GraphQLError(err.message, { extensions: err.extensions }) : err;
  }
  let pending: Promise<CustomerChangePayload>[] = [];
  let replaying = true;
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
      // Live: whatever queued up while replaying is skipped up to the last replayed change.
      for (;;) {
        const step = await live.next();
        if (step.done) return { done: true, value: undefined };
        if (step.value.seq !== null && step.value.seq <= lastSeq) continue;
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
