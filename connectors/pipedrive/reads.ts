/**
 * Reads through the v2 list endpoint: by ids (`ids=…`, ≤100 per call, chunks in parallel under the budget) and
 * page by page with v2 cursors. Field metadata is fetched (or taken from the cache) only when a page carries
 * custom values to map, so a read of standard fields costs exactly its list calls.
 */
import type { CallOptions, FetchOptions, NativeRecord, PageOptions } from '../contract/index.ts';
import { chunk, paginate } from '../runtime/index.ts';
import type { PipedriveApi } from './client.ts';
import { PIPEDRIVE_V2, expectList, nextCursorOf } from './client.ts';
import type { FieldCatalog } from './describe.ts';
import { objectInfo } from './describe.ts';
import type { PipedriveRecord } from './records.ts';
import { needsFieldMap, toNativeRecord } from './records.ts';
import { fillStages, readsStage } from './stages.ts';

/** Pipedrive's maximum ids per list call and records per page. */
export const MAX_IDS = 100;
export const MAX_PAGE = 500;
/**
 * Full pages unless a caller asks for fewer: every call counts against the token's 2-second burst budget and the
 * day's, whatever its size, so 100-record pages cost five times the calls a backfill needs.
 */
export const DEFAULT_PAGE = MAX_PAGE;

export function clampPageSize(pageSize: number | undefined, fallback = DEFAULT_PAGE): number {
  return Math.max(1, Math.min(MAX_PAGE, Math.floor(pageSize ?? fallback)));
}

/**
 * Raw v2 records as NativeRecords, with the held metadata when custom values need it, and deals' `stage_name` when
 * asked for (all fields, or named) from the held stages.
 */
export async function mapRecords(catalog: FieldCatalog, objectType: string, raws: PipedriveRecord[], fields: readonly string[] | undefined, options: CallOptions): Promise<NativeRecord[]> {
  const fieldMap = needsFieldMap(raws, fields) ? await catalog.fieldMap(objectType, options) : null;
  const records = raws.map((raw) => toNativeRecord(objectType, raw, fieldMap, fields));
  if (readsStage(objectType, fields)) await fillStages(catalog.stages, raws, records, options);
  return records;
}

export async function fetchByIds(api: PipedriveApi, catalog: FieldCatalog, objectType: string, ids: readonly string[], options: FetchOptions = {}): Promise<Map<string, NativeRecord>> {
  objectInfo(objectType);
  // Pipedrive ids are integers: any other id names no record (and would make the whole list call a 400).
  const unique = [...new Set(ids.map(String))].filter((id) => /^\d+$/.test(id));
  const found = new Map<string, NativeRecord>();
  if (unique.length === 0) return found;
  const lane = options.lane ?? 'interactive';
  const signal = options.signal ? { signal: options.signal } : {};
  const pages = await Promise.all(chunk(unique, MAX_IDS).map((part) =>
    api.request(lane, { path: `${PIPEDRIVE_V2}/${objectType}`, query: { ids: part.join(','), limit: MAX_IDS }, ...signal })));
  // Unknown and deleted ids are simply not listed: absent from the map.
  const raws = pages.flatMap((page) => expectList<PipedriveRecord>(page, 'a list by ids'));
  for (const record of await mapRecords(catalog, objectType, raws, options.fields, { lane, ...signal })) found.set(record.id, record);
  return found;
}

/**
 * Every record, by id. Pipedrive lists deleted records nowhere but the recents feed, so `includeDeleted` adds
 * nothing (they are not readable in bulk).
 */
export async function* pageRecords(api: PipedriveApi, catalog: FieldCatalog, objectType: string, options: PageOptions = {}): AsyncGenerator<NativeRecord[]> {
  objectInfo(objectType);
  const lane = options.lane ?? 'sync';
  const limit = clampPageSize(options.pageSize);
  const signal = options.signal ? { signal: options.signal } : {};
  yield* paginate<NativeRecord, string>(null, async (cursor) => {
    const page = await api.request(lane, {
      path: `${PIPEDRIVE_V2}/${objectType}`,
      query: { limit, sort_by: 'id', sort_direction: 'asc', ...(cursor ? { cursor } : {}) },
      ...signal,
    });
    const raws = expectList<PipedriveRecord>(page, 'a list page');
    return { items: await mapRecords(catalog, objectType, raws, options.fields, { lane, ...signal }), next: raws.length ? nextCursorOf(page) : null };
  });
}
