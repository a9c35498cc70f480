/**
 * Reads: by ids through batch read (one call per 100 ids, chunks in parallel under the budget) and page by page
 * through the list endpoint. Without `fields`, every property is read (names from the property catalog),
 * because HubSpot otherwise answers only a handful of defaults. Deals' synthetic references (associations.ts) are
 * never sent as properties: when asked for, they are filled per call or page from one associations batch read each,
 * and a read by ids of those alone makes only the associations reads.
 */
import type { FetchOptions, NativeRecord, PageOptions } from '../contract/index.ts';
import { chunk, paginate } from '../runtime/index.ts';
import type { HubSpotApi } from './client.ts';
import { expectResults } from './client.ts';
import { fillSyntheticReferences, planRead } from './associations.ts';
import type { PropertyCatalog } from './describe.ts';
import { canonicalObjectType } from './describe.ts';
import type { HubSpotObject } from './records.ts';
import { toNativeRecord } from './records.ts';

/** HubSpot's maximum inputs per batch call and records per list page. */
export const MAX_BATCH = 100;
export const MAX_LIST_PAGE = 100;

export async function fetchByIds(api: HubSpotApi, catalog: PropertyCatalog, objectType: string, ids: readonly string[], options: FetchOptions = {}): Promise<Map<string, NativeRecord>> {
  const unique = [...new Set(ids.map(String))];
  const found = new Map<string, NativeRecord>();
  if (unique.length === 0) return found;
  const lane = options.lane ?? 'interactive';
  const { properties, synthetic } = await planRead(canonicalObjectType(objectType), options.fields,
    () => catalog.propertyNames(objectType, { lane, signal: options.signal }));
  if (properties.length === 0 && synthetic.length > 0) {
    // Only association-backed references asked for (FieldDescription.separateRead: the reader holds the records):
    // the associations batch reads alone, without the record read that would answer HubSpot's default properties.
    const records: NativeRecord[] = unique.map((id) => ({ id, objectType, modifiedAt: null, fields: {} }));
    await fillSyntheticReferences(api, objectType, records, synthetic, { lane, signal: options.signal });
    return new Map(records.map((r) => [r.id, r]));
  }
  const pages = await Promise.all(chunk(unique, MAX_BATCH).map((part) =>
    api.call(lane, (client) => client.crm.objects.batchApi.readWithHttpInfo(objectType, {
      inputs: part.map((id) => ({ id })),
      properties,
      propertiesWithHistory: [],
    }, false), { signal: options.signal })));
  // Missing ids come back as a 207 OBJECT_NOT_FOUND entry: they are simply absent from the map.
  for (const page of pages) {
    for (const object of expectResults<HubSpotObject>(page, 'a batch read')) {
      const record = toNativeRecord(objectType, object);
      found.set(record.id, record);
    }
  }
  await fillSyntheticReferences(api, objectType, [...found.values()], synthetic, { lane, signal: options.signal });
  return found;
}

export async function* pageRecords(api: HubSpotApi, catalog: PropertyCatalog, objectType: string, options: PageOptions = {}): AsyncGenerator<NativeRecord[]> {
  const lane = options.lane ?? 'sync';
  const limit = Math.max(1, Math.min(MAX_LIST_PAGE, Math.floor(options.pageSize ?? MAX_LIST_PAGE)));
  const { properties, synthetic } = await planRead(canonicalObjectType(objectType), options.fields,
    () => catalog.propertyNames(objectType, { lane, signal: options.signal }));
  // Archived records live in a separate listing (`archived=true`); they come after the live ones, flagged.
  for (const archived of options.includeDeleted ? [false, true] : [false]) {
    yield* paginate<NativeRecord, string>(null, async (after) => {
      const page = await api.call(lane, (client) =>
        client.crm.objects.basicApi.getPageWithHttpInfo(objectType, limit, after ?? undefined, properties, undefined, undefined, archived), { signal: options.signal });
      const items = expectResults<HubSpotObject>(page, 'a list page').map((o) => toNativeRecord(objectType, o));
      await fillSyntheticReferences(api, objectType, items, synthetic, { lane, signal: options.signal });
      return { items, next: page.paging?.next?.after ?? null };
    });
  }
}
