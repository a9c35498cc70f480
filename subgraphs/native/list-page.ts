/**
 * Paged lists of native records over `connector.pageRecords`. The contract has no resumable cursor for
 * `pageRecords` (CRM cursors such as Salesforce query locators expire and are tied to one query), so `after` is
 * an honest offset: page N re-reads the records before it, in as few calls as the CRM's page size allows
 * (one call while offset + first stays within `limits.maxPageSize`). Pages are cached as entities, so resolving
 * a listed record right after costs nothing.
 */
import type { Connector, NativeRecord } from '../../connectors/contract/index.ts';
import { badUserInput } from './graphql-errors.ts';
import type { ObjectModel } from './object-model.ts';
import type { RecordAccess } from './record-access.ts';
import { MAX_PAGE } from './render-sdl.ts';

export interface ListPage {
  edges: { cursor: string; node: NativeRecord }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export async function listPage(connector: Connector, object: ObjectModel, access: RecordAccess, first: number, after: string | null | undefined): Promise<ListPage> {
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE) throw badUserInput(`first must be between 0 and ${MAX_PAGE}, got ${first}`, 'first');
  const offset = after ? decodeOffset(after) : 0;
  const wanted = offset + first + 1; // one extra record tells whether there is a next page
  const pageSize = Math.max(1, Math.min(connector.limits.maxPageSize, wanted));
  const records: NativeRecord[] = [];
  for await (const page of connector.pageRecords(object.objectType, { fields: object.fetchFields, pageSize, lane: 'interactive' })) {
    records.push(...page);
    if (records.length >= wanted) break; // ends the generator: no further page is fetched
  }
  const slice = records.slice(offset, offset + first);
  for (const r of slice) access.remember(r);
  return {
    edges: slice.map((node, i) => ({ cursor: encodeOffset(offset + i + 1), node })),
    pageInfo: { hasNextPage: records.length > offset + first, endCursor: slice.length ? encodeOffset(offset + slice.length) : after ?? null },
  };
}

/** The cursor of an edge is the offset right after it, so `after: endCursor` continues there. */
function encodeOffset(offset: number): string {
  return Buffer.from(`o:${offset}`, 'utf8').toString('base64url');
}

function decodeOffset(cursor: string): number {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  const offset = raw.startsWith('o:') ? Number(raw.slice(2)) : NaN;
  if (!Number.isSafeInteger(offset) || offset < 0) throw badUserInput('after is not a cursor returned by this list', 'after');
  return offset;
}
