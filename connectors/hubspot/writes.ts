/**
 * Bulk writes through HubSpot's batch endpoints, ≤100 inputs per call, one result per input in input order.
 * Every create/update/upsert input carries its own `objectWriteTraceId`: that is what turns on partial success
 * (a 207 with per-record errors instead of a 400 for the whole batch) and how results, which HubSpot returns in
 * no particular order, are matched back to inputs.
 */
import { ConnectorError, asConnectorError } from '../contract/index.ts';
import type { CreateItem, UpdateItem, UpsertItem, UpsertOptions, WriteOptions, WriteResult } from '../contract/index.ts';
import { refuseSynthetic, syntheticNamesWritten } from './associations.ts';
import type { HubSpotApi } from './client.ts';
import { HUBSPOT, expectResults } from './client.ts';
import type { PropertyCatalog } from './describe.ts';
import { canonicalObjectType } from './describe.ts';
import type { HubSpotRecordError } from './errors.ts';
import { recordError } from './errors.ts';
import { MAX_BATCH } from './reads.ts';
import type { HubSpotObject } from './records.ts';
import { toHubSpotProperties } from './records.ts';

/** Input indexes in chunks of ≤ size, never two equal keys in one chunk (HubSpot rejects a whole batch for a duplicate id). */
export function distinctChunks(keys: readonly (string | undefined)[], size: number): number[][] {
  const chunks: { indexes: number[]; keys: Set<string> }[] = [];
  keys.forEach((key, index) => {
    const target = chunks.find((c) => c.indexes.length < size && (key === undefined || !c.keys.has(key)));
    if (target) {
      target.indexes.push(index);
      if (key !== undefined) target.keys.add(key);
    } else {
      chunks.push({ indexes: [index], keys: new Set(key === undefined ? [] : [key]) });
    }
  });
  return chunks.map((c) => c.indexes);
}

interface Sent {
  index: number;
  /** The record id (update) or unique value (upsert) the input names. */
  key?: string;
}

/** Runs the chunks one after another (write-back is not a race); a chunk that throws fails only its own items. */
async function writeChunks(keys: readonly (string | undefined)[], write: (indexes: number[]) => Promise<Map<number, WriteResult>>): Promise<WriteResult[]> {
  const results: WriteResult[] = new Array(keys.length);
  for (const indexes of distinctChunks(keys, MAX_BATCH)) {
    let answered: Map<number, WriteResult>;
    try {
      answered = await write(indexes);
    } catch (err) {
      const error = asConnectorError(HUBSPOT, err);
      answered = new Map(indexes.map((i) => [i, { ok: false, error }]));
    }
    for (const i of indexes) {
      results[i] = answered.get(i) ?? { ok: false, error: new ConnectorError('CRM_UNAVAILABLE', HUBSPOT, 'the batch answer has no result for this item') };
    }
  }
  return results;
}

/** Converts each item's fields; an item whose values cannot be sent fails alone, before any call. */
function prepare<T>(indexes: number[], build: (index: number) => T, failed: Map<number, WriteResult>): { index: number; input: T }[] {
  const ready: { index: number; input: T }[] = [];
  for (const index of indexes) {
    try {
      ready.push({ index, input: build(index) });
    } catch (err) {
      failed.set(index, { ok: false, error: asConnectorError(HUBSPOT, err) });
    }
  }
  return ready;
}

/** Matches a batch answer (200/201/207) back to the inputs sent, by trace id, else by id or unique value. */
function matchAnswer(data: unknown, sent: Sent[], into: Map<number, WriteResult>, created: (o: HubSpotObject) => boolean | undefined): void {
  const byKey = new Map<string, Sent[]>();
  for (const s of sent) if (s.key !== undefined) byKey.set(s.key, [...(byKey.get(s.key) ?? []), s]);
  for (const object of expectResults<HubSpotObject>(data, 'a batch write')) {
    const traced = object.objectWriteTraceId !== undefined ? sent[Number(object.objectWriteTraceId)] : undefined;
    const target = traced ?? byKey.get(String(object.id))?.[0];
    if (!target) continue;
    const isNew = created(object);
    into.set(target.index, { ok: true, id: String(object.id), ...(isNew !== undefined ? { created: isNew } : {}) });
  }
  for (const error of ((data as { errors?: HubSpotRecordError[] }).errors ?? [])) {
    const failure = { ok: false as const, error: recordError(HUBSPOT, error) };
    const traces = error.context?.objectWriteTraceId ?? [];
    const targets = traces.length
      ? traces.map((t) => sent[Number(t)]).filter((s): s is Sent => s !== undefined)
      : (error.context?.ids ?? []).flatMap((id) => byKey.get(String(id)) ?? []);
    for (const s of targets) into.set(s.index, { ...failure, ...(s.key !== undefined ? { id: s.key } : {}) });
  }
}

/**
 * The synthetic reference names (associations.ts) the items name that no real property takes: an item naming one
 * fails alone with CRM_VALIDATION. The portal's property names are read only when an item names one.
 */
function syntheticGuard(catalog: PropertyCatalog, objectType: string, items: readonly { fields: Record<string, unknown> }[], options: WriteOptions): Promise<Set<string>> {
  return syntheticNamesWritten(canonicalObjectType(objectType), items.map((i) => i.fields),
    () => catalog.propertyNames(objectType, { lane: options.lane ?? 'writeback', signal: options.signal }));
}

export async function createMany(api: HubSpotApi, catalog: PropertyCatalog, objectType: string, items: readonly CreateItem[], options: WriteOptions = {}): Promise<WriteResult[]> {
  const synthetic = await syntheticGuard(catalog, objectType, items, options);
  return writeChunks(items.map(() => undefined), async (indexes) => {
    const answered = new Map<number, WriteResult>();
    const ready = prepare(indexes, (i) => toHubSpotProperties(checked(objectType, items[i]!.fields, synthetic)), answered);
    if (!ready.length) return answered;
    const inputs = ready.map(({ input }, k) => ({ properties: input, associations: [], objectWriteTraceId: String(k) }));
    // Not idempotent: a create that timed out may have been applied, so only a 429 is retried.
    const data = await api.call(options.lane ?? 'writeback', (client) =>
      client.crm.objects.batchApi.createWithHttpInfo(objectType, { inputs }), { idempotent: false, signal: options.signal });
    matchAnswer(data, ready.map(({ index }) => ({ index })), answered, () => true);
    return answered;
  });
}

export async function updateMany(api: HubSpotApi, catalog: PropertyCatalog, objectType: string, items: readonly UpdateItem[], options: WriteOptions = {}): Promise<WriteResult[]> {
  const synthetic = await syntheticGuard(catalog, objectType, items, options);
  return writeChunks(items.map((item) => String(item.id)), async (indexes) => {
    const answered = new Map<number, WriteResult>();
    const ready = prepare(indexes, (i) => ({ id: String(items[i]!.id), properties: toHubSpotProperties(checked(objectType, items[i]!.fields, synthetic)) }), answered);
    if (!ready.length) return answered;
    const inputs = ready.map(({ input }, k) => ({ ...input, objectWriteTraceId: String(k) }));
    const data = await api.call(options.lane ?? 'writeback', (client) =>
      client.crm.objects.batchApi.updateWithHttpInfo(objectType, { inputs }), { signal: options.signal });
    matchAnswer(data, ready.map(({ index, input }) => ({ index, key: input.id })), answered, () => undefined);
    return answered;
  });
}

export async function upsertMany(api: HubSpotApi, catalog: PropertyCatalog, objectType: string, items: readonly UpsertItem[], options: UpsertOptions): Promise<WriteResult[]> {
  const synthetic = await syntheticGuard(catalog, objectType, items, options);
  const idProperty = options.externalIdField;
  return writeChunks(items.map((item) => String(item.externalId)), async (indexes) => {
    const answered = new Map<number, WriteResult>();
    const ready = prepare(indexes, (i) => ({ id: String(items[i]!.externalId), idProperty, properties: toHubSpotProperties(checked(objectType, items[i]!.fields, synthetic)) }), answered);
    if (!ready.length) return answered;
    const inputs = ready.map(({ input }, k) => ({ ...input, objectWriteTraceId: String(k) }));
    const data = await api.call(options.lane ?? 'writeback', (client) =>
      client.crm.objects.batchApi.upsertWithHttpInfo(objectType, { inputs }), { signal: options.signal });
    // Upsert results are keyed by record id, not by the unique value: without a trace id they cannot be matched.
    matchAnswer(data, ready.map(({ index }) => ({ index })), answered, (o) => o._new === true);
    return answered;
  });
}

/** The fields of an item, after refusing the synthetic references it names (thrown inside `prepare`: that item fails). */
function checked(objectType: string, fields: Record<string, unknown>, synthetic: ReadonlySet<string>): Record<string, unknown> {
  refuseSynthetic(objectType, fields, synthetic);
  return fields;
}

export function deleteMany(api: HubSpotApi, objectType: string, ids: readonly string[], options: WriteOptions = {}): Promise<WriteResult[]> {
  return writeChunks(ids.map(String), async (indexes) => {
    // Archiving is idempotent and answers 204 with no per-record detail (unknown ids included).
    await api.call(options.lane ?? 'writeback', (client) =>
      client.crm.objects.batchApi.archiveWithHttpInfo(objectType, { inputs: indexes.map((i) => ({ id: String(ids[i]) })) }), { signal: options.signal });
    return new Map(indexes.map((i) => [i, { ok: true, id: String(ids[i]) }]));
  });
}
