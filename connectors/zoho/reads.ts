/**
 * Reads of one module through `GET /crm/v8/{Module}`: by ids (`ids=…`, 100 per call, chunks in parallel under the
 * budget; unknown ids are simply absent, 204 means none) and page by page (`per_page` up to 200, page 1 then the
 * keyset `page_token` Zoho hands out, which pages past the 2,000 records `page` numbers reach and never skips a
 * record modified while paging).
 *
 * `fields` is REQUIRED by v8 and takes at most 50 names. A read that wants more (a caller naming more, or naming
 * none: every field the module lists) is split: the first call names `Modified_Time` and the first 49 others and
 * decides WHICH records are read; the rest are read for exactly those ids (`ids=…`, 100 per call, 50 fields per
 * call) and merged by id. We chose ids over paging each field group separately because separate pages could list
 * different records (one modified or deleted in between moves or vanishes), so the merge could pair halves of
 * different states; a record gone by the time the later groups are read was deleted meanwhile and is left out —
 * its deletion reaches the change feed. The cost is ⌈extra fields / 50⌉ × ⌈records / 100⌉ calls more per page.
 *
 * Names the module does not list are not sent (Zoho refuses the whole read, INVALID_DATA): they read as null,
 * after a metadata refresh in case the field is new (at most one per 30 s). A field removed since the metadata was held makes Zoho
 * refuse once; the metadata is read again and the read repeated.
 */
import { ConnectorError } from '../contract/index.ts';
import type { CallOptions, FetchOptions, Lane, NativeRecord, PageOptions } from '../contract/index.ts';
import { chunk } from '../runtime/index.ts';
import type { ZohoApi, ZohoQuery } from './client.ts';
import { dataOf, infoOf } from './client.ts';
import type { FieldMap, ZohoCatalog } from './describe.ts';
import { MODIFIED_FIELD, signalOf } from './describe.ts';
import type { ZohoRecord } from './records.ts';
import { checkModule, isZohoId, toNativeRecord } from './records.ts';

/** Ids per `ids=` read, records per page, names per `fields`. */
export const MAX_IDS = 100;
export const MAX_PAGE = 200;
export const MAX_FIELDS = 50;

export function clampPageSize(pageSize: number | undefined): number {
  return Math.max(1, Math.min(MAX_PAGE, Math.floor(pageSize ?? MAX_PAGE)));
}

/** How one logical read is split into calls: field groups of at most 50, the first with Modified_Time. */
export interface ReadPlan {
  map: FieldMap;
  groups: string[][];
}

/** The field groups for `wanted` (every listed field when absent). Exported for tests. */
export function fieldGroups(map: FieldMap, wanted: readonly string[] | undefined): string[][] {
  const names = [...new Set((wanted ?? map.readableNames()).filter((name) => name !== 'id' && name !== MODIFIED_FIELD && map.byName.has(name)))];
  const first = [MODIFIED_FIELD, ...names.slice(0, MAX_FIELDS - 1)];
  return [first, ...chunk(names.slice(MAX_FIELDS - 1), MAX_FIELDS)];
}

/** A name the held metadata lacks refreshes it, but not more often than this: a mapping naming a field Zoho does not have must not double every read. */
export const UNKNOWN_FIELD_REFRESH_MS = 30_000;

const isUnknownField = (err: unknown): boolean =>
  err instanceof ConnectorError && err.code === 'CRM_VALIDATION' && err.details?.nativeCode === 'INVALID_DATA' && Array.isArray(err.details?.fields);

/**
 * Runs a read with its plan. A name the held metadata does not know triggers one metadata refresh first (at most every
 * UNKNOWN_FIELD_REFRESH_MS); Zoho refusing a name (removed since) triggers one refresh and one repeat.
 */
export async function withPlan<T>(catalog: ZohoCatalog, module: string, wanted: readonly string[] | undefined, options: CallOptions, run: (plan: ReadPlan) => Promise<T>): Promise<T> {
  let map = await catalog.fieldMap(module, options);
  if (wanted?.some((name) => name !== 'id' && !map.byName.has(name)) && catalog.age(module) > UNKNOWN_FIELD_REFRESH_MS) {
    catalog.invalidate(module);
    map = await catalog.fieldMap(module, options);
  }
  try {
    return await run({ map, groups: fieldGroups(map, wanted) });
  } catch (err) {
    if (!isUnknownField(err)) throw err;
    catalog.invalidate(module);
    const fresh = await catalog.fieldMap(module, options);
    return run({ map: fresh, groups: fieldGroups(fresh, wanted) });
  }
}

/** One list call; a 204 is an empty list. */
export async function listCall(api: ZohoApi, lane: Lane, module: string, query: ZohoQuery, options: { signal?: AbortSignal; headers?: Record<string, string> } = {}) {
  const answer = await api.request(lane, { path: module, query, ...(options.headers ? { headers: options.headers } : {}), ...signalOf(options) });
  return { records: dataOf<ZohoRecord>(answer.body, `a ${module} list`).filter((r) => r !== null && typeof r === 'object' && r.id !== undefined && r.id !== null), info: infoOf(answer.body) };
}

/** Raw records by id with the plan's first group (one call per 100 ids), keyed by id. */
async function rawsByIds(api: ZohoApi, lane: Lane, module: string, ids: readonly string[], fields: readonly string[], signal: { signal?: AbortSignal }): Promise<Map<string, ZohoRecord>> {
  const parts = await Promise.all(chunk(ids, MAX_IDS).map((part) => listCall(api, lane, module, { fields: fields.join(','), ids: part.join(',') }, signal)));
  return new Map(parts.flatMap((p) => p.records).map((r) => [String(r.id), r]));
}

/**
 * The plan's later field groups for `raws` (read by id), merged into them. Records a later group no longer finds
 * were deleted meanwhile and are dropped.
 */
export async function completeRecords(api: ZohoApi, lane: Lane, module: string, raws: ZohoRecord[], plan: ReadPlan, signal: { signal?: AbortSignal }): Promise<ZohoRecord[]> {
  if (plan.groups.length < 2 || raws.length === 0) return raws;
  const ids = raws.map((r) => String(r.id));
  const extra = await Promise.all(plan.groups.slice(1).map((group) => rawsByIds(api, lane, module, ids, group, signal)));
  return raws.flatMap((raw) => {
    const parts = extra.map((found) => found.get(String(raw.id)));
    if (parts.some((p) => p === undefined)) return [];
    return [Object.assign({}, ...parts, raw) as ZohoRecord];
  });
}

export async function fetchByIds(api: ZohoApi, catalog: ZohoCatalog, module: string, ids: readonly string[], options: FetchOptions = {}): Promise<Map<string, NativeRecord>> {
  checkModule(module);
  const unique = [...new Set(ids.map(String))].filter(isZohoId);
  const found = new Map<string, NativeRecord>();
  if (unique.length === 0) return found;
  const lane: Lane = options.lane ?? 'interactive';
  const signal = signalOf(options);
  const records = await withPlan(catalog, module, options.fields, { lane, ...signal }, async (plan) => {
    const first = await rawsByIds(api, lane, module, unique, plan.groups[0]!, signal);
    const raws = await completeRecords(api, lane, module, [...first.values()], plan, signal);
    return raws.map((raw) => toNativeRecord(module, raw, plan.map, options.fields));
  });
  for (const record of records) found.set(record.id, record);
  return found;
}

/**
 * Every record by id order, page by page. Zoho's recycle bin lists only ids and names (`/deleted`), so
 * `includeDeleted` adds nothing: deletions reach us through the change feed.
 */
export async function* pageRecords(api: ZohoApi, catalog: ZohoCatalog, module: string, options: PageOptions = {}): AsyncGenerator<NativeRecord[]> {
  checkModule(module);
  const lane: Lane = options.lane ?? 'sync';
  const signal = signalOf(options);
  const perPage = clampPageSize(options.pageSize);
  let token: string | null = null;
  for (;;) {
    const pageToken: string | null = token;
    const { records, next } = await withPlan(catalog, module, options.fields, { lane, ...signal }, async (plan) => {
      const page = await listCall(api, lane, module, {
        fields: plan.groups[0]!.join(','), per_page: perPage, sort_by: 'id', sort_order: 'asc',
        ...(pageToken === null ? { page: 1 } : { page_token: pageToken }),
      }, signal);
      const raws = await completeRecords(api, lane, module, page.records, plan, signal);
      return { records: raws.map((raw) => toNativeRecord(module, raw, plan.map, options.fields)), next: nextToken(page) };
    });
    if (records.length > 0) yield records;
    if (next === null) return;
    token = next;
  }
}

/** The keyset token of the next page, or null on the last. */
export function nextToken(page: { records: unknown[]; info: { more_records?: boolean; next_page_token?: string | null } }): string | null {
  const token = page.info.next_page_token;
  if (page.records.length === 0 || page.info.more_records === false || typeof token !== 'string' || token === '') return null;
  return token;
}
