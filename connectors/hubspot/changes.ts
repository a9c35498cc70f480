/**
 * The HubSpot change feed. Changed records come from the search API: `modified GTE anchor`, sorted ascending by
 * the modification property. Search has two traps, both handled here:
 *  - it returns at most 10,000 results per query (`after + limit > 10000` → 400), and offsets shift when records
 *    change mid-scan. So each page re-anchors: the next query starts at the last timestamp seen and skips only
 *    the records already seen at exactly that timestamp (tie order is stable by id).
 *  - many records share one timestamp (imports, workflows). The cursor keeps the ids already delivered at its
 *    timestamp (`{since, seen}`), so a page boundary inside a run of equal timestamps neither loses nor repeats
 *    records; more than ~10,000 equal timestamps switch to a tie scan by `hs_object_id` (EQ timestamp, GT id).
 * Deletions are not searchable: they come from the `archived=true` listing, filtered on `archivedAt`.
 */
import type { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/objects/models/Filter.js';
import { ConnectorError } from '../contract/index.ts';
import type { CallOptions, ChangeBatch, ChangeCursor, ChangeOptions, Deletion, NativeRecord } from '../contract/index.ts';
import type { HubSpotApi } from './client.ts';
import { HUBSPOT, expectResults } from './client.ts';
import { fillSyntheticReferences, planRead } from './associations.ts';
import type { PropertyCatalog } from './describe.ts';
import { canonicalObjectType, modifiedPropertyOf } from './describe.ts';
import type { HubSpotObject } from './records.ts';
import { epochOf, isoOf, toNativeRecord } from './records.ts';
import { MAX_LIST_PAGE } from './reads.ts';

export const DEFAULT_OVERLAP_MS = 60_000;
export const MAX_SEARCH_PAGE = 200;
export const SEARCH_RESULT_CAP = 10_000;

/** The stored cursor: opaque to the sync layer, JSON for the database. */
interface HubSpotChangeCursor {
  v: 1;
  /** Latest modification time delivered (epoch ms), null before the first record. */
  since: number | null;
  /** Ids delivered with modification time exactly `since`. */
  seen: string[];
  /** Same pair for deletions (archivedAt). */
  deletedSince: number | null;
  deletedSeen: string[];
}

export function parseCursor(cursor: ChangeCursor | null): HubSpotChangeCursor {
  if (cursor === null || cursor === undefined) return { v: 1, since: null, seen: [], deletedSince: null, deletedSeen: [] };
  const c = cursor as Partial<HubSpotChangeCursor>;
  const okTime = (t: unknown) => t === null || (typeof t === 'number' && Number.isFinite(t));
  const okIds = (ids: unknown) => Array.isArray(ids) && ids.every((id) => typeof id === 'string');
  if (typeof cursor !== 'object' || Array.isArray(cursor) || c.v !== 1 || !okTime(c.since) || !okIds(c.seen) || !okTime(c.deletedSince) || !okIds(c.deletedSeen)) {
    throw new ConnectorError('CRM_VALIDATION', HUBSPOT, 'not a HubSpot change cursor (made by another connector or version)');
  }
  return { v: 1, since: c.since ?? null, seen: [...c.seen!], deletedSince: c.deletedSince ?? null, deletedSeen: [...c.deletedSeen!] };
}

/**
 * The cursor a read from `at` resumes at: both feeds at `at` with nothing seen there yet, so an exact resume
 * (`overlapMs: 0`) reads every record modified, and every deletion archived, at or after `at` (the search is
 * `GTE`); the default resume re-reads the overlap before it.
 */
export function changeCursorAt(at: Date): ChangeCursor {
  const ms = at.getTime();
  if (!Number.isFinite(ms)) throw new ConnectorError('CRM_VALIDATION', HUBSPOT, 'a change cursor needs a valid date');
  const cursor: HubSpotChangeCursor = { v: 1, since: ms, seen: [], deletedSince: ms, deletedSeen: [] };
  return { ...cursor };
}

/** Moves a (since, seen) pair past one delivered item. */
function advance(position: { since: number | null; seen: Set<string> }, time: number, id: string): void {
  if (Number.isNaN(time)) return;
  if (position.since === null || time > position.since) {
    position.since = time;
    position.seen = new Set([id]);
  } else if (time === position.since) {
    position.seen.add(id);
  }
}

interface SearchFilter {
  propertyName: string;
  operator: FilterOperatorEnum;
  value: string;
}

interface SearchPage {
  results?: unknown;
  paging?: { next?: { after?: string } };
}

type Query =
  /** `modified GTE anchor` (or no filter), sorted by modification time, skipping `offset` records at the anchor. */
  | { mode: 'time'; anchor: number | null; offset: number; inclusive: boolean }
  /** Every record at exactly `at`, by id: for runs of equal timestamps longer than the search cap. */
  | { mode: 'ties'; at: number; afterId: string };

export async function* readChanges(api: HubSpotApi, catalog: PropertyCatalog, objectType: string, cursor: ChangeCursor | null, options: ChangeOptions = {}): AsyncGenerator<ChangeBatch> {
  const state = parseCursor(cursor);
  const lane = options.lane ?? 'sync';
  const overlapMs = Math.max(0, options.overlapMs ?? DEFAULT_OVERLAP_MS);
  const limit = Math.max(1, Math.min(MAX_SEARCH_PAGE, Math.floor(options.pageSize ?? MAX_LIST_PAGE)));
  const modified = modifiedPropertyOf(objectType);
  const plan = await planRead(canonicalObjectType(objectType), options.fields, () => catalog.propertyNames(objectType, { lane, signal: options.signal }));
  const properties = [...new Set([...plan.properties, modified])];
  const records = { since: state.since, seen: new Set(state.seen) };
  const deletions = { since: state.deletedSince, seen: new Set(state.deletedSeen) };
  const cursorNow = (): ChangeCursor => ({
    v: 1, since: records.since, seen: [...records.seen], deletedSince: deletions.since, deletedSeen: [...deletions.seen],
  });
  const timeOf = (o: HubSpotObject) => epochOf(o.properties?.[modified] ?? o.updatedAt);
  const op = (operator: string) => operator as FilterOperatorEnum;

  let query: Query = { mode: 'time', anchor: state.since === null ? null : Math.max(0, state.since - overlapMs), offset: 0, inclusive: true };
  for (;;) {
    const filters: SearchFilter[] = query.mode === 'ties'
      ? [{ propertyName: modified, operator: op('EQ'), value: String(query.at) }, { propertyName: 'hs_object_id', operator: op('GT'), value: query.afterId }]
      : query.anchor === null ? [] : [{ propertyName: modified, operator: op(query.inclusive ? 'GTE' : 'GT'), value: String(query.anchor) }];
    const sortBy: string = query.mode === 'ties' ? 'hs_object_id' : modified;
    const after: number = query.mode === 'ties' ? 0 : query.offset;
    const page: SearchPage = await api.call(lane, (client) => client.crm.objects.searchApi.doSearchWithHttpInfo(objectType, {
      filterGroups: filters.length ? [{ filters }] : [],
      // Typed string[] by the client, passed through as is; HubSpot takes the object form.
      sorts: [{ propertyName: sortBy, direction: 'ASCENDING' } as unknown as string],
      properties,
      limit,
      after: String(after),
    }), { signal: options.signal, search: true });
    const found: HubSpotObject[] = expectResults<HubSpotObject>(page, 'a search');
    const fresh: NativeRecord[] = [];
    for (const object of found) {
      const id = String(object.id);
      const time = timeOf(object);
      // Already delivered at exactly the cursor's timestamp: this very version was seen.
      if (time === records.since && records.seen.has(id)) continue;
      fresh.push(toNativeRecord(objectType, object));
      advance(records, time, id);
    }
    if (fresh.length) {
      // Associations do not change a deal's modification time: they are read as of this page.
      await fillSyntheticReferences(api, objectType, fresh, plan.synthetic, { lane, signal: options.signal });
      yield { records: fresh, deletions: [], cursor: cursorNow() };
    }

    const last: HubSpotObject | undefined = found.at(-1);
    const more = found.length === limit && page.paging?.next?.after !== undefined;
    if (query.mode === 'ties') {
      if (more && last) query = { mode: 'ties', at: query.at, afterId: String(last.id) };
      // Every record at `at` is delivered: carry on strictly after it.
      else query = { mode: 'time', anchor: query.at, offset: 0, inclusive: false };
      continue;
    }
    if (!more || !last) break;
    const lastTime = timeOf(last);
    // Records without a modification time sort last; there is nothing left to anchor on.
    if (Number.isNaN(lastTime)) break;
    const atLast = found.filter((o) => timeOf(o) === lastTime).length;
    const offset: number = lastTime === query.anchor && query.inclusive ? query.offset + atLast : atLast;
    query = offset + limit > SEARCH_RESULT_CAP
      ? { mode: 'ties', at: lastTime, afterId: '0' }
      : { mode: 'time', anchor: lastTime, offset, inclusive: true };
  }

  yield* readDeletions(api, objectType, deletions, limit, overlapMs, lane, options.signal, cursorNow);
}

/**
 * The newest modification time of the object's live records (one search, sorted descending, one result): the
 * portal's clock at its last change. Archived records cannot be searched; one archived after this moment is
 * stamped later anyway, so a cursor from here still finds it.
 */
export async function latestChangeAt(api: HubSpotApi, objectType: string, options: CallOptions = {}): Promise<Date | null> {
  const modified = modifiedPropertyOf(objectType);
  const page: SearchPage = await api.call(options.lane ?? 'sync', (client) => client.crm.objects.searchApi.doSearchWithHttpInfo(objectType, {
    filterGroups: [],
    sorts: [{ propertyName: modified, direction: 'DESCENDING' } as unknown as string],
    properties: [modified],
    limit: 1,
    after: '0',
  }), { signal: options.signal, search: true });
  const newest = expectResults<HubSpotObject>(page, 'a search')[0];
  if (!newest) return null;
  const time = epochOf(newest.properties?.[modified] ?? newest.updatedAt);
  return Number.isNaN(time) ? null : new Date(time);
}

/**
 * Archived records whose `archivedAt` is not older than the deletions cursor (minus the overlap). The archived
 * listing cannot be filtered or sorted, so it is scanned whole and sorted here, then handed out oldest first.
 */
async function* readDeletions(
  api: HubSpotApi, objectType: string, position: { since: number | null; seen: Set<string> }, limit: number, overlapMs: number,
  lane: NonNullable<ChangeOptions['lane']>, signal: AbortSignal | undefined, cursorNow: () => ChangeCursor,
): AsyncGenerator<ChangeBatch> {
  const from = position.since === null ? null : position.since - overlapMs;
  const pending: { deletion: Deletion; time: number }[] = [];
  let after: string | undefined;
  do {
    const page = await api.call(lane, (client) =>
      client.crm.objects.basicApi.getPageWithHttpInfo(objectType, MAX_LIST_PAGE, after, [modifiedPropertyOf(objectType)], undefined, undefined, true), { signal });
    for (const object of expectResults<HubSpotObject>(page, 'an archived list page')) {
      const id = String(object.id);
      const time = epochOf(object.archivedAt ?? object.updatedAt);
      if (from !== null && !(time >= from)) continue;
      if (time === position.since && position.seen.has(id)) continue;
      pending.push({ deletion: { id, deletedAt: isoOf(object.archivedAt ?? object.updatedAt) }, time });
    }
    after = page.paging?.next?.after;
  } while (after !== undefined);

  pending.sort((a, b) => a.time - b.time || Number(a.deletion.id) - Number(b.deletion.id));
  for (let i = 0; i < pending.length; i += limit) {
    const part = pending.slice(i, i + limit);
    for (const { deletion, time } of part) advance(position, time, deletion.id);
    yield { records: [], deletions: part.map((p) => p.deletion), cursor: cursorNow() };
  }
}
