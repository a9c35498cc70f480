/**
 * Writes. Pipedrive has no batch endpoints, so each item is one call (POST, PATCH or DELETE on `/api/v2/{obj}`; an
 * update of an email or phone first reads the current lists, one call per 100 items, contact-lists.ts),
 * a few at a time (`WRITE_CONCURRENCY`, and the account's rate budget decides the pace), with one result per item
 * in input order; a failing item fails alone. Nothing is transactional: `allOrNone` cannot be honoured.
 * Upsert = an exact-match search on the external-id field, then PATCH the one match or POST a new record.
 */
import { ConnectorError, asConnectorError } from '../contract/index.ts';
import type { CreateItem, Lane, UpdateItem, UpsertItem, UpsertOptions, WriteOptions, WriteResult } from '../contract/index.ts';
import type { PipedriveApi, PipedriveEnvelope } from './client.ts';
import { PIPEDRIVE, PIPEDRIVE_V2, unusable } from './client.ts';
import type { FieldCatalog, FieldMap } from './describe.ts';
import { isCustomKey, objectInfo } from './describe.ts';
import { currentLists, mergeContactLists, writesContactList } from './contact-lists.ts';
import { toPipedriveBody, writeNeedsFieldMap } from './records.ts';
import { stageWrites } from './stage-writes.ts';

/** Items written at once per call of createMany & co. */
export const WRITE_CONCURRENCY = 4;
/** Writes per call of createMany & co (our limit: no Pipedrive batch exists). */
export const MAX_WRITE_ITEMS = 100;

interface WriteContext {
  api: PipedriveApi;
  catalog: FieldCatalog;
  objectType: string;
  lane: Lane;
  signal?: AbortSignal;
}

function context(api: PipedriveApi, catalog: FieldCatalog, objectType: string, options: WriteOptions): WriteContext {
  objectInfo(objectType);
  return { api, catalog, objectType, lane: options.lane ?? 'writeback', ...(options.signal ? { signal: options.signal } : {}) };
}

/** Runs `task` over groups of item indexes, `limit` groups at a time; the items of one group one after another. */
async function runGroups(groups: number[][], limit: number, task: (index: number) => Promise<WriteResult>, results: WriteResult[]): Promise<WriteResult[]> {
  let next = 0;
  const worker = async () => {
    while (next < groups.length) {
      for (const index of groups[next++]!) {
        try {
          results[index] = await task(index);
        } catch (err) {
          results[index] = { ok: false, error: asConnectorError(PIPEDRIVE, err) };
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, groups.length) }, worker));
  return results;
}

const stageContext = (ctx: WriteContext) => ({ ...ctx, stages: ctx.catalog.stages });

const singly = (count: number): number[][] => Array.from({ length: count }, (_, i) => [i]);

/** The held metadata, once per call, only when some item writes a custom field. */
function lazyFieldMap(ctx: WriteContext, items: readonly { fields: Record<string, unknown> }[]): () => Promise<FieldMap | null> {
  let map: Promise<FieldMap | null> | null = null;
  const needed = items.some((item) => writeNeedsFieldMap(item.fields ?? {}));
  return () => (map ??= needed ? ctx.catalog.fieldMap(ctx.objectType, { lane: ctx.lane, ...(ctx.signal ? { signal: ctx.signal } : {}) }) : Promise.resolve(null));
}

function recordId(envelope: PipedriveEnvelope<unknown>, what: string): string {
  const id = (envelope.data as { id?: unknown } | null)?.id;
  if (typeof id !== 'number' && typeof id !== 'string') throw unusable(`answered ${what} without the record id`);
  return String(id);
}

async function post(ctx: WriteContext, body: Record<string, unknown>): Promise<string> {
  // Not idempotent: a create that timed out may have been applied, so only a 429 is retried.
  const answer = await ctx.api.request(ctx.lane, { method: 'POST', path: `${PIPEDRIVE_V2}/${ctx.objectType}`, json: body, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  return recordId(answer, 'a create');
}

async function patch(ctx: WriteContext, id: string, body: Record<string, unknown>): Promise<string> {
  if (!/^\d+$/.test(id)) throw new ConnectorError('CRM_NOT_FOUND', PIPEDRIVE, `no ${ctx.objectType} record ${id}`, { details: { id } });
  const answer = await ctx.api.request(ctx.lane, { method: 'PATCH', path: `${PIPEDRIVE_V2}/${ctx.objectType}/${id}`, json: body, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  return recordId(answer, 'an update');
}

export async function createMany(api: PipedriveApi, catalog: FieldCatalog, objectType: string, items: readonly CreateItem[], options: WriteOptions = {}): Promise<WriteResult[]> {
  const ctx = context(api, catalog, objectType, options);
  const fieldMap = lazyFieldMap(ctx, items);
  const fieldsOf = await stageWrites(stageContext(ctx), items);
  return runGroups(singly(items.length), WRITE_CONCURRENCY, async (i) => {
    const id = await post(ctx, toPipedriveBody(fieldsOf(i), await fieldMap()));
    return { ok: true, id, created: true };
  }, new Array<WriteResult>(items.length));
}

export async function updateMany(api: PipedriveApi, catalog: FieldCatalog, objectType: string, items: readonly UpdateItem[], options: WriteOptions = {}): Promise<WriteResult[]> {
  const ctx = context(api, catalog, objectType, options);
  const fieldMap = lazyFieldMap(ctx, items);
  // Records whose email or phone is written: their current lists, read before any write (one call per 100).
  const listed = items.filter((item) => 'email' in (item.fields ?? {}) || 'phone' in (item.fields ?? {})).map((item) => String(item.id));
  const current = listed.length ? await currentLists(ctx.api, objectType, listed, ctx.lane, ctx.signal) : new Map<string, never>();
  const fieldsOf = await stageWrites(stageContext(ctx), items, items.map((item) => String(item.id)));
  const results = await runGroups(groupsBy(items.map((item) => String(item.id))), WRITE_CONCURRENCY, async (i) => {
    const id = String(items[i]!.id);
    const body = toPipedriveBody(fieldsOf(i), await fieldMap());
    // Two items for one record run one after the other: the second keeps what the first sent.
    const merged = mergeContactLists(body, current.get(id));
    await patch(ctx, id, merged);
    if (writesContactList(body) && current.has(id)) current.set(id, { ...current.get(id)!, ...merged, id });
    return { ok: true, id };
  }, new Array<WriteResult>(items.length));
  return results.map((r, i) => (r.ok ? r : { ...r, id: String(items[i]!.id) }));
}

/**
 * Deleting a record Pipedrive no longer has (404) counts as done: a delete replayed after a lost answer, or of a
 * record someone removed meanwhile, leaves the state the caller asked for.
 */
export async function deleteMany(api: PipedriveApi, catalog: FieldCatalog, objectType: string, ids: readonly string[], options: WriteOptions = {}): Promise<WriteResult[]> {
  const ctx = context(api, catalog, objectType, options);
  const results = await runGroups(groupsBy(ids.map(String)), WRITE_CONCURRENCY, async (i) => {
    const id = String(ids[i]);
    if (!/^\d+$/.test(id)) return { ok: true, id };
    try {
      await ctx.api.request(ctx.lane, { method: 'DELETE', path: `${PIPEDRIVE_V2}/${ctx.objectType}/${id}`, ...(ctx.signal ? { signal: ctx.signal } : {}) });
    } catch (err) {
      if (!(err instanceof ConnectorError && err.code === 'CRM_NOT_FOUND')) throw err;
    }
    return { ok: true, id };
  }, new Array<WriteResult>(ids.length));
  return results.map((r, i) => (r.ok ? r : { ...r, id: String(ids[i]) }));
}

/** Item indexes grouped by key (first appearance order), so two writes to one record never race. */
function groupsBy(keys: readonly string[]): number[][] {
  const groups = new Map<string, number[]>();
  keys.forEach((key, index) => groups.set(key, [...(groups.get(key) ?? []), index]));
  return [...groups.values()];
}

/** The search `fields` value that matches `externalIdField` exactly on `objectType`. */
export function searchFieldFor(objectType: string, externalIdField: string): string {
  if (isCustomKey(externalIdField)) return 'custom_fields';
  const allowed: readonly string[] = objectInfo(objectType).searchFields;
  if (allowed.includes(externalIdField)) return externalIdField;
  throw new ConnectorError('CRM_VALIDATION', PIPEDRIVE,
    `${objectType} cannot be upserted on ${externalIdField}: Pipedrive searches ${[...allowed, 'a custom field (40-hex key)'].join(', ')}`,
    { details: { fields: [externalIdField] } });
}

interface SearchAnswer {
  items?: Array<{ item?: { id?: unknown } }>;
}

async function findByExternalId(ctx: WriteContext, searchField: string, externalId: string): Promise<string[]> {
  const answer = await ctx.api.request<SearchAnswer>(ctx.lane, {
    path: `${PIPEDRIVE_V2}/${ctx.objectType}/search`,
    query: { term: externalId, fields: searchField, exact_match: true, limit: 10 },
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  const items = answer.data?.items;
  if (!Array.isArray(items)) throw unusable('answered a search without an item list');
  return [...new Set(items.map((i) => i?.item?.id).filter((id) => typeof id === 'number' || typeof id === 'string').map(String))];
}

/**
 * Search, then PATCH the match (only the item's fields: the external id already matches; an email or phone written
 * replaces the primary entry of the list read just before, contact-lists.ts) or POST a new record carrying the external id. Items with the same
 * external id run one after another, so the second finds the record the first created.
 */
export async function upsertMany(api: PipedriveApi, catalog: FieldCatalog, objectType: string, items: readonly UpsertItem[], options: UpsertOptions): Promise<WriteResult[]> {
  const ctx = context(api, catalog, objectType, options);
  const field = options.externalIdField;
  const searchField = searchFieldFor(objectType, field);
  const withKey = items.map((item) => ({ fields: { ...item.fields, [field]: item.externalId } }));
  const fieldMap = lazyFieldMap(ctx, withKey);
  // The record is known only after its search: a stage name several pipelines share takes the first pipeline's.
  const fieldsOf = await stageWrites(stageContext(ctx), items.map((item) => ({ fields: item.fields ?? {} })));
  return runGroups(groupsBy(items.map((item) => String(item.externalId))), WRITE_CONCURRENCY, async (i) => {
    const externalId = String(items[i]!.externalId);
    // A stage that cannot be written fails the item before its search.
    const fields = fieldsOf(i);
    const matches = await findByExternalId(ctx, searchField, externalId);
    if (matches.length > 1) {
      return { ok: false, error: new ConnectorError('CRM_CONFLICT', PIPEDRIVE, `${matches.length} ${objectType} records have ${field} = the external id`, { details: { fields: [field], ids: matches } }) };
    }
    if (matches.length === 1) {
      const body = toPipedriveBody(fields, await fieldMap());
      const current = writesContactList(body) ? (await currentLists(ctx.api, objectType, [matches[0]!], ctx.lane, ctx.signal)).get(matches[0]!) : undefined;
      const id = await patch(ctx, matches[0]!, mergeContactLists(body, current));
      return { ok: true, id, created: false };
    }
    const id = await post(ctx, toPipedriveBody({ ...fields, [field]: items[i]!.externalId }, await fieldMap()));
    return { ok: true, id, created: true };
  }, new Array<WriteResult>(items.length));
}
