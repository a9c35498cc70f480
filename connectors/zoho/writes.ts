/**
 * Writes in Zoho's batch endpoints, at most 100 records per call, always with `"trigger": []` so no workflow,
 * approval or blueprint runs on a write-back:
 *  - create `POST /{Module}` (201 all ok, 207 mixed, 400 all failed), update `PUT /{Module}` (records carry `id`),
 *    upsert `POST /{Module}/upsert` with `duplicate_check_fields: [externalIdField]` (`action` insert / update),
 *    delete `DELETE /{Module}?ids=…`; each answers 200 / 207 / 400 with one result per record in input order,
 *    mapped to the contract's codes (errors.ts `recordError`).
 *  - A top-level error (429, 5xx, a refused call, garbage) fails every item of its chunk with that error.
 * Zoho has no transactions: `allOrNone` cannot be honoured. With it, every item is mapped first and one that cannot be
 * sent (a malformed lookup id or date) fails the whole call unsent; what Zoho refuses per record still fails alone.
 * Creates are POSTs and never replayed after a timeout (only a 429, which Zoho did not act on); upserts neither.
 */
import { ConnectorError, asConnectorError } from '../contract/index.ts';
import type { CreateItem, Lane, UpdateItem, UpsertItem, UpsertOptions, WriteOptions, WriteResult } from '../contract/index.ts';
import { writeInChunks } from '../runtime/index.ts';
import type { ZohoApi } from './client.ts';
import { dataOf } from './client.ts';
import type { FieldMap, ZohoCatalog } from './describe.ts';
import { signalOf } from './describe.ts';
import { ZOHO, recordError, unusable } from './errors.ts';
import { checkModule, isZohoId, toZohoBody } from './records.ts';

export const MAX_WRITE_ITEMS = 100;

interface WriteContext {
  api: ZohoApi;
  module: string;
  lane: Lane;
  signal: { signal?: AbortSignal };
  /** The held metadata: which fields are lookups and dates (one call per TTL at most); inside a chunk, so a failure fails its items. */
  map(): Promise<FieldMap>;
  allOrNone: boolean;
}

function context(api: ZohoApi, catalog: ZohoCatalog, module: string, options: WriteOptions): WriteContext {
  checkModule(module);
  const lane = options.lane ?? 'writeback';
  const signal = signalOf(options);
  return { api, module, lane, signal, map: () => catalog.fieldMap(module, { lane, ...signal }), allOrNone: options.allOrNone === true };
}

interface ZohoResult {
  code?: unknown;
  status?: unknown;
  action?: unknown;
  details?: { id?: unknown } | null;
}

/** Per-record results in input order; `sent[i]` is the input index of the i-th record sent. */
function results(body: unknown, sent: number[], status: number, onSuccess: (r: ZohoResult, index: number) => WriteResult): Map<number, WriteResult> {
  const data = dataOf<ZohoResult>(body, 'a write');
  if (data.length !== sent.length) throw unusable(`answered ${data.length} results for ${sent.length} records`);
  const out = new Map<number, WriteResult>();
  data.forEach((item, k) => {
    const index = sent[k]!;
    if (item?.status === 'success' || item?.code === 'SUCCESS') out.set(index, onSuccess(item, index));
    else out.set(index, { ok: false, error: recordError(item, status) });
  });
  return out;
}

function successId(item: ZohoResult): string {
  const id = item.details?.id;
  if (typeof id !== 'string' && typeof id !== 'number') throw unusable('answered a successful write without the record id');
  return String(id);
}

/**
 * Maps each item to a body (or its own failure) and sends the bodies in one call. With `allOrNone`, one item
 * that cannot be mapped fails every item unsent.
 */
async function sendChunk<T>(
  ctx: WriteContext, items: T[], toBody: (item: T, map: FieldMap) => Record<string, unknown>,
  send: (bodies: Record<string, unknown>[]) => Promise<{ status: number; body: unknown }>,
  onSuccess: (r: ZohoResult, index: number) => WriteResult,
): Promise<WriteResult[]> {
  const out = new Array<WriteResult>(items.length);
  const bodies: Record<string, unknown>[] = [];
  const sent: number[] = [];
  const map = await ctx.map();
  items.forEach((item, i) => {
    try {
      bodies.push(toBody(item, map));
      sent.push(i);
    } catch (err) {
      out[i] = { ok: false, error: asConnectorError(ZOHO, err) };
    }
  });
  if (ctx.allOrNone && sent.length < items.length) {
    const first = out.find((r) => r !== undefined && !r.ok) as { ok: false; error: ConnectorError };
    const error = new ConnectorError('CRM_VALIDATION', ZOHO, `allOrNone: nothing written, an item cannot be sent (${first.error.message})`, { details: { ...first.error.details } });
    return items.map((_, i) => out[i] ?? { ok: false, error });
  }
  if (bodies.length > 0) {
    const answer = await send(bodies);
    for (const [index, result] of results(answer.body, sent, answer.status, onSuccess)) out[index] = result;
  }
  return out;
}

export async function createMany(api: ZohoApi, catalog: ZohoCatalog, module: string, items: readonly CreateItem[], options: WriteOptions = {}): Promise<WriteResult[]> {
  if (items.length === 0) return [];
  const ctx = context(api, catalog, module, options);
  return writeInChunks(ZOHO, items, MAX_WRITE_ITEMS, (part) => sendChunk(ctx, part,
    (item, map) => toZohoBody(item.fields ?? {}, map),
    (data) => api.request(ctx.lane, { method: 'POST', path: module, json: { data, trigger: [] }, recordResults: true, ...ctx.signal }),
    (r) => ({ ok: true, id: successId(r), created: true })));
}

export async function updateMany(api: ZohoApi, catalog: ZohoCatalog, module: string, items: readonly UpdateItem[], options: WriteOptions = {}): Promise<WriteResult[]> {
  if (items.length === 0) return [];
  const ctx = context(api, catalog, module, options);
  const written = await writeInChunks(ZOHO, items, MAX_WRITE_ITEMS, (part) => sendChunk(ctx, part,
    (item, map) => {
      const id = String(item.id);
      if (!isZohoId(id)) throw new ConnectorError('CRM_NOT_FOUND', ZOHO, `no ${module} record ${String(item.id).slice(0, 40)}`, { details: { id } });
      return { ...toZohoBody(item.fields ?? {}, map), id };
    },
    (data) => api.request(ctx.lane, { method: 'PUT', path: module, json: { data, trigger: [] }, recordResults: true, ...ctx.signal }),
    (r) => ({ ok: true, id: successId(r) })));
  return written.map((r, i) => (r.ok ? r : { ...r, id: String(items[i]!.id) }));
}

export async function upsertMany(api: ZohoApi, catalog: ZohoCatalog, module: string, items: readonly UpsertItem[], options: UpsertOptions): Promise<WriteResult[]> {
  if (items.length === 0) return [];
  const ctx = context(api, catalog, module, options);
  const field = options.externalIdField;
  return writeInChunks(ZOHO, items, MAX_WRITE_ITEMS, (part) => sendChunk(ctx, part,
    (item, map) => toZohoBody({ ...item.fields, [field]: item.externalId }, map),
    (data) => api.request(ctx.lane, {
      method: 'POST', path: `${module}/upsert`, json: { data, duplicate_check_fields: [field], trigger: [] }, recordResults: true, ...ctx.signal,
    }),
    (r) => ({ ok: true, id: successId(r), created: r.action === 'insert' })));
}

/**
 * Deleting a record Zoho does not have (INVALID_DATA naming its id, or an id that is no Zoho id) counts as done: a
 * delete replayed after a lost answer, or of a record someone removed meanwhile, leaves the state asked for.
 */
export async function deleteMany(api: ZohoApi, catalog: ZohoCatalog, module: string, ids: readonly string[], options: WriteOptions = {}): Promise<WriteResult[]> {
  if (ids.length === 0) return [];
  checkModule(module);
  const lane = options.lane ?? 'writeback';
  const signal = signalOf(options);
  return writeInChunks(ZOHO, ids.map(String), MAX_WRITE_ITEMS, async (part) => {
    const out = part.map((id): WriteResult => ({ ok: true, id }));
    const sent = part.map((id, i) => ({ id, i })).filter((p) => isZohoId(p.id));
    if (sent.length === 0) return out;
    const answer = await api.request(lane, { method: 'DELETE', path: module, query: { ids: sent.map((p) => p.id).join(',') }, recordResults: true, ...signal });
    const mapped = results(answer.body, sent.map((p) => p.i), answer.status, (_r, index) => ({ ok: true, id: part[index]! }));
    for (const [index, result] of mapped) {
      const gone = !result.ok && result.error.code === 'CRM_NOT_FOUND';
      out[index] = result.ok || gone ? { ok: true, id: part[index]! } : { ...result, id: part[index]! };
    }
    return out;
  });
}
