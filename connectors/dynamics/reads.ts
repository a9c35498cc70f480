/**
 * Reads of one table: by ids with `Microsoft.Dynamics.CRM.In` (100 guids per call: about 5 KB of URL, well under
 * the limits of Dataverse and of proxies in front of it; chunks in parallel under the budget), and page by page
 * following `@odata.nextLink` with `Prefer: odata.maxpagesize`. Field metadata comes from the catalog's cache, so
 * a read costs exactly its own calls once the table was described or read.
 */
import { ConnectorError } from '../contract/index.ts';
import type { CallOptions, FetchOptions, Lane, NativeRecord, PageOptions } from '../contract/index.ts';
import { chunk } from '../runtime/index.ts';
import type { DynamicsApi, ODataPage } from './client.ts';
import { odataString } from './client.ts';
import type { AttributeMap } from './attributes.ts';
import { LOOKUP_TABLE_ANNOTATION } from './attributes.ts';
import type { DynamicsCatalog } from './describe.ts';
import { DATAVERSE_CODES } from './errors.ts';
import type { DataverseRow } from './records.ts';
import { isGuid, toNativeRecord } from './records.ts';

/** Ids per `In` filter, and Dataverse's largest page (also its default). */
export const MAX_IDS = 100;
export const MAX_PAGE = 5000;

export function clampPageSize(pageSize: number | undefined): number {
  return Math.max(1, Math.min(MAX_PAGE, Math.floor(pageSize ?? MAX_PAGE)));
}

/** The `Prefer` preferences of a read: page size, and the lookup-table annotation when a polymorphic lookup is read. */
export function readPreferences(map: AttributeMap, fields: readonly string[] | undefined, pageSize: number, extra: string[] = []): string[] {
  const prefer = [...extra, `odata.maxpagesize=${pageSize}`];
  if (map.needsAnnotations(fields)) prefer.push(`odata.include-annotations="${LOOKUP_TABLE_ANNOTATION}"`);
  return prefer;
}

const isUnknownColumn = (err: unknown): boolean =>
  err instanceof ConnectorError && err.code === 'CRM_VALIDATION' && err.details?.nativeCode === DATAVERSE_CODES.unknownProperty;

/**
 * Runs a read with the table's metadata and its `$select`. When Dataverse says a requested column does not
 * exist (added or removed since the metadata was held), the metadata is read again and the read repeated once with
 * the columns it still lists; the others read as null, as a field a record does not carry.
 */
export async function withColumns<T>(
  catalog: DynamicsCatalog, objectType: string, fields: readonly string[] | undefined, options: CallOptions,
  run: (map: AttributeMap, select: string | undefined) => Promise<T>,
): Promise<T> {
  const map = await catalog.attributes(objectType, options);
  try {
    return await run(map, map.select(fields));
  } catch (err) {
    if (!isUnknownColumn(err) || !fields) throw err;
    catalog.invalidate(objectType);
    const fresh = await catalog.attributes(objectType, options);
    // Until the metadata is re-read, leave out what it does not know up front: one refusal per column, not per read.
    fresh.strict = true;
    return run(fresh, fresh.select(fields));
  }
}

export async function fetchByIds(api: DynamicsApi, catalog: DynamicsCatalog, objectType: string, ids: readonly string[], options: FetchOptions = {}): Promise<Map<string, NativeRecord>> {
  const entity = await catalog.entity(objectType, options);
  // Dataverse ids are guids: any other id names no record (and would make the whole In filter a 400).
  const unique = [...new Set(ids.map((id) => String(id).toLowerCase()))].filter(isGuid);
  const found = new Map<string, NativeRecord>();
  if (unique.length === 0) return found;
  const lane: Lane = options.lane ?? 'interactive';
  const signal = options.signal ? { signal: options.signal } : {};
  const call = { lane, ...signal };
  const records = await withColumns(catalog, objectType, options.fields, call, async (map, select) => {
    const parts = await Promise.all(chunk(unique, MAX_IDS).map(async (part) => {
      const filter = `Microsoft.Dynamics.CRM.In(PropertyName=${odataString(entity.primaryId)},PropertyValues=[${part.map(odataString).join(',')}])`;
      const rows: DataverseRow[] = [];
      // One page holds 100 rows; the loop only guards against a server that pages smaller.
      let page: ODataPage<DataverseRow> = await api.page<DataverseRow>(lane, {
        path: objectType, query: { $select: select, $filter: filter }, prefer: readPreferences(map, options.fields, MAX_PAGE), ...signal,
      });
      rows.push(...page.value);
      while (page['@odata.nextLink']) {
        page = await api.page<DataverseRow>(lane, { path: page['@odata.nextLink'], prefer: readPreferences(map, options.fields, MAX_PAGE), ...signal });
        rows.push(...page.value);
      }
      return rows;
    }));
    return parts.flat().map((row) => toNativeRecord(objectType, row, map, options.fields));
  });
  // Unknown and deleted ids are simply not listed: absent from the map. Keys as the caller spelled them.
  const asked = new Map(ids.map((id) => [String(id).toLowerCase(), String(id)]));
  for (const record of records) found.set(asked.get(record.id.toLowerCase()) ?? record.id, record);
  return found;
}

/**
 * Every row by key order, page by page. Dataverse exposes no recycle bin through the Web API, so `includeDeleted`
 * adds nothing: deletions reach us through the change-tracking feed only.
 */
export async function* pageRecords(api: DynamicsApi, catalog: DynamicsCatalog, objectType: string, options: PageOptions = {}): AsyncGenerator<NativeRecord[]> {
  const entity = await catalog.entity(objectType, options);
  const lane: Lane = options.lane ?? 'sync';
  const signal = options.signal ? { signal: options.signal } : {};
  const pageSize = clampPageSize(options.pageSize);
  let map: AttributeMap | undefined;
  let page = await withColumns(catalog, objectType, options.fields, { lane, ...signal }, async (m, select) => {
    map = m;
    return api.page<DataverseRow>(lane, {
      path: objectType,
      query: { $select: select, $orderby: `${entity.primaryId} asc` },
      prefer: readPreferences(m, options.fields, pageSize),
      ...signal,
    });
  });
  for (;;) {
    const records = page.value.map((row) => toNativeRecord(objectType, row, map!, options.fields));
    if (records.length > 0) yield records;
    const next = page['@odata.nextLink'];
    if (!next || page.value.length === 0) return;
    page = await api.page<DataverseRow>(lane, { path: next, prefer: readPreferences(map!, options.fields, pageSize), ...signal });
  }
}
