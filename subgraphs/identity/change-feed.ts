/**
 * `Query.customerChanges`: the customer change feed read back from `customer_change_log` (db/change-log.ts), for
 * consumers that poll or resync in pages. Each change carries its cursor; `customer` is a reference to the golden
 * Customer (a merged-away id: the survivor), which the gateway resolves through federation like any other.
 */
import { GraphQLError } from 'graphql';
import type { Database } from '../../db/open-database.ts';
import { changeCursorArgument, checkChangeCursor, encodeChangeCursor, headChangeSeq, readChangesAfter } from '../../db/change-log.ts';
import type { LoggedChange } from '../../db/change-log.ts';
import { resolveGoldenIds } from '../../db/golden-store.ts';
import { ProductError } from '../../lib/product-error.ts';
import { MAX_PAGE, badInput, checkId } from './list-input.ts';

export const DEFAULT_CHANGE_PAGE = 100;

export interface CustomerChangesArgs {
  after?: string | null;
  first?: number | null;
  ids?: readonly string[] | null;
}

/** A change as the API shows it (the subscription's payload has the same shape). */
export function changeNode(change: LoggedChange, liveCustomerId: string | null) {
  return {
    cursor: encodeChangeCursor(change.seq),
    customerId: change.customerId,
    changedFields: change.changedFields ?? ['*'],
    version: change.version,
    at: change.at.toISOString(),
    customer: liveCustomerId ? { id: liveCustomerId } : null,
  };
}

/** Our ProductErrors (BAD_USER_INPUT, CURSOR_EXPIRED) as GraphQL errors with their code. */
function asGraphQLError(err: unknown): unknown {
  return err instanceof ProductError ? new GraphQLError(err.message, { extensions: err.extensions }) : err;
}

export async function customerChanges(db: Database, args: CustomerChangesArgs) {
  try {
    const afterSeq = changeCursorArgument(args.after);
    const first = args.first ?? DEFAULT_CHANGE_PAGE;
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE) throw badInput(`first must be between 0 and ${MAX_PAGE}, got ${first}`, 'first');
    let ids: string[] | null = null;
    if (args.ids) {
      for (const id of args.ids) checkId('Customer', id);
      // A merged-away id follows its survivor, whose changes are published under the survivor's id.
      const live = await resolveGoldenIds(db, 'Customer', args.ids);
      ids = [...new Set([...args.ids, ...[...live.values()].filter((id): id is string => id !== null)])];
    }
    // The head first: changes committed while this page is read come after it, so a consumer that starts from
    // it misses none.
    const head = await headChangeSeq(db);
    const rows = await readChangesAfter(db, afterSeq, first + 1, ids);
    if (afterSeq !== null) await checkChangeCursor(db, afterSeq);
    const page = rows.slice(0, first);
    const live = page.length ? await resolveGoldenIds(db, 'Customer', [...new Set(page.map((c) => c.customerId))]) : new Map<string, string | null>();
    const edges = page.map((c) => {
      const node = changeNode(c, live.get(c.customerId) ?? null);
      return { cursor: node.cursor, node };
    });
    const last = page[page.length - 1];
    return {
      edges,
      pageInfo: {
        hasNextPage: rows.length > first,
        endCursor: last ? encodeChangeCursor(last.seq) : (args.after ?? null),
      },
      headCursor: encodeChangeCursor(Math.max(head, last?.seq ?? 0)),
    };
  } catch (err) {
    throw asGraphQLError(err);
  }
}
