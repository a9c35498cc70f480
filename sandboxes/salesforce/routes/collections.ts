/**
 * sObject Collections (≤200 records): create, update, upsert, delete and retrieve. The request answers 200
 * with one result per record, in order; per-record errors use `statusCode`. With `allOrNone` any failure rolls
 * back every record and the good ones report ALL_OR_NONE_OPERATION_ROLLED_BACK.
 */
import type { ObjectDef } from '../describe/field-types.ts';
import { SfError, asSfError, jsonParserError } from '../errors.ts';
import { to18 } from '../ids.ts';
import { renderRecord, resolveFieldList } from '../records/render.ts';
import { createRecord, deleteRecord, externalIdField, updateRecord, upsertRecord } from '../records/writes.ts';
import type { ApiContext, ApiRequest, ApiResponse, Route } from './types.ts';

const MAX_RECORDS = 200;
const MAX_RETRIEVE_IDS = 2000;

interface SaveResult {
  id?: string;
  success: boolean;
  errors: ReturnType<SfError['toRecordError']>[];
  created?: boolean;
}

const ROLLED_BACK = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

class RollBack extends Error {}

/** Runs one operation per item; all items in one transaction when allOrNone, else each on its own. */
function runAll<T>(ctx: ApiContext, items: T[], allOrNone: boolean, op: (item: T) => Omit<SaveResult, 'success' | 'errors'>): SaveResult[] {
  const attempt = (item: T): SaveResult => {
    try {
      return { ...op(item), success: true, errors: [] };
    } catch (err) {
      const sf = asSfError(err);
      const id = (sf as SfError & { recordId?: string }).recordId;
      return { ...(id ? { id } : {}), success: false, errors: [sf.toRecordError()] };
    }
  };
  if (!allOrNone) return items.map((item) => ctx.org.store.transaction(() => attempt(item)));
  let results: SaveResult[] = [];
  try {
    ctx.org.store.transaction(() => {
      results = items.map(attempt);
      if (results.some((r) => !r.success)) throw new RollBack();
    });
  } catch (err) {
    if (!(err instanceof RollBack)) throw err;
    results = results.map((r) => (r.success ? { success: false, errors: [ROLLED_BACK] } : r));
  }
  return results;
}

function parseCollection(body: unknown): { allOrNone: boolean; records: Record<string, unknown>[] } {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { records?: unknown }).records)) {
    throw jsonParserError('Expected a JSON object with a records array');
  }
  const { allOrNone, records } = body as { allOrNone?: unknown; records: unknown[] };
  checkCount(records.length);
  if (records.some((r) => typeof r !== 'object' || r === null || Array.isArray(r))) throw jsonParserError('Each record must be a JSON object');
  return { allOrNone: allOrNone === true || allOrNone === 'true', records: records as Record<string, unknown>[] };
}

function checkCount(n: number): void {
  if (n > MAX_RECORDS) {
    throw new SfError(400, 'EXCEEDED_ID_LIMIT', `record limit reached. cannot submit more than ${MAX_RECORDS} records into this call`);
  }
}

function recordType(ctx: ApiContext, rec: Record<string, unknown>): ObjectDef {
  const type = (rec.attributes as { type?: unknown } | undefined)?.type;
  if (typeof type !== 'string' || !type) throw new SfError(400, 'INVALID_TYPE', 'Must send a concrete entity type.');
  const obj = ctx.org.meta.object(type);
  if (!obj) throw new SfError(400, 'INVALID_TYPE', `sObject type '${type}' is not supported.`);
  return obj;
}

function create(ctx: ApiContext, req: ApiRequest): ApiResponse {
  const { allOrNone, records } = parseCollection(req.body);
  const origin = ctx.origin(req);
  return { status: 200, body: runAll(ctx, records, allOrNone, (rec) => ({ id: createRecord(ctx.org, recordType(ctx, rec), rec, origin) })) };
}

function update(ctx: ApiContext, req: ApiRequest): ApiResponse {
  const { allOrNone, records } = parseCollection(req.body);
  const origin = ctx.origin(req);
  return {
    status: 200,
    body: runAll(ctx, records, allOrNone, (rec) => {
      const { id, Id, ...values } = rec;
      const given = id ?? Id;
      if (typeof given !== 'string' || !given) throw new SfError(400, 'MISSING_ARGUMENT', 'Id not specified in an update call', ['Id']);
      try {
        return { id: updateRecord(ctx.org, recordType(ctx, rec), given, values, origin) };
      } catch (err) {
        throw Object.assign(asSfError(err), { recordId: to18(given) ?? given });
      }
    }),
  };
}

function upsert(ctx: ApiContext, req: ApiRequest, type: string, fieldName: string): ApiResponse {
  const obj = ctx.org.meta.requireObject(type);
  const field = externalIdField(ctx.org, obj, fieldName);
  const { allOrNone, records } = parseCollection(req.body);
  const origin = ctx.origin(req);
  return {
    status: 200,
    body: runAll(ctx, records, allOrNone, (rec) => {
      const value = Object.entries(rec).find(([k]) => k.toLowerCase() === field.name.toLowerCase())?.[1];
      if (value === undefined || value === null || value === '') {
        throw new SfError(400, 'MISSING_ARGUMENT', `${field.name} not specified`, [field.name]);
      }
      const result = upsertRecord(ctx.org, obj, field, String(value), rec, origin);
      return { id: result.id, created: result.created };
    }),
  };
}

function destroy(ctx: ApiContext, req: ApiRequest): ApiResponse {
  const ids = (req.query.get('ids') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!ids.length) throw new SfError(400, 'MISSING_ARGUMENT', 'ids parameter is required');
  checkCount(ids.length);
  const origin = ctx.origin(req);
  return {
    status: 200,
    body: runAll(ctx, ids, req.query.get('allOrNone') === 'true', (rawId) => {
      const id = to18(rawId);
      const found = id ? ctx.org.store.find(id) : undefined;
      const fail = (code: string, message: string) => Object.assign(new SfError(400, code, message), { recordId: id ?? rawId });
      if (!found) throw fail(id ? 'INVALID_CROSS_REFERENCE_KEY' : 'MALFORMED_ID', id ? 'invalid cross reference id' : `malformed id ${rawId}`);
      if (found.record.IsDeleted === true) throw fail('ENTITY_IS_DELETED', 'entity is deleted');
      return { id: deleteRecord(ctx.org, ctx.org.meta.requireObject(found.type), found.record.Id, origin) };
    }),
  };
}

function retrieve(ctx: ApiContext, req: ApiRequest, type: string): ApiResponse {
  const obj = ctx.org.meta.requireObject(type);
  let ids: unknown;
  let fields: unknown;
  if (req.method === 'GET') {
    ids = req.query.get('ids')?.split(',');
    fields = req.query.get('fields');
  } else {
    if (typeof req.body !== 'object' || req.body === null) throw jsonParserError('Expected a JSON object with ids and fields');
    ({ ids, fields } = req.body as { ids?: unknown; fields?: unknown });
  }
  if (!Array.isArray(ids) || !ids.length) throw new SfError(400, 'MISSING_ARGUMENT', 'ids parameter is required');
  if (ids.length > MAX_RETRIEVE_IDS) throw new SfError(400, 'EXCEEDED_ID_LIMIT', `cannot retrieve more than ${MAX_RETRIEVE_IDS} records in one call`);
  const names = resolveFieldList(ctx.org, obj, fields as string[] | string | undefined);
  if (!names) throw new SfError(400, 'MISSING_ARGUMENT', 'fields parameter is required');
  return {
    status: 200,
    body: ids.map((raw) => {
      const id = to18(String(raw));
      const rec = id ? ctx.org.store.get(obj.name, id) : undefined;
      return rec && rec.IsDeleted !== true ? renderRecord(obj, rec, req.version, names) : null;
    }),
  };
}

export const collectionRoutes: Route[] = [
  { method: 'POST', pattern: /^\/composite\/sobjects\/?$/, handler: create },
  { method: 'PATCH', pattern: /^\/composite\/sobjects\/?$/, handler: update },
  { method: 'DELETE', pattern: /^\/composite\/sobjects\/?$/, handler: destroy },
  { method: 'PATCH', pattern: /^\/composite\/sobjects\/([A-Za-z][A-Za-z0-9_]*)\/([A-Za-z][A-Za-z0-9_]*)\/?$/, handler: (ctx, req, [t, f]) => upsert(ctx, req, t!, f!) },
  { method: 'POST', pattern: /^\/composite\/sobjects\/([A-Za-z][A-Za-z0-9_]*)\/?$/, handler: (ctx, req, [t]) => retrieve(ctx, req, t!) },
  { method: 'GET', pattern: /^\/composite\/sobjects\/([A-Za-z][A-Za-z0-9_]*)\/?$/, handler: (ctx, req, [t]) => retrieve(ctx, req, t!) },
];
