/**
 * Row operations on `contacts`, `accounts`, `opportunities` (reference §3.3–3.4): collection GET (reads.ts),
 * single GET by id or alternate key, POST (204 + OData-EntityId, or 201 with `return=representation`), PATCH as
 * upsert with If-Match / If-None-Match concurrency, DELETE, and `DELETE <row>/<nav>/$ref`.
 */
import type { ApiContext, ApiRequest } from '../api.ts';
import { jsonBody, preferOf } from '../api.ts';
import { badQuery, CODES, DataverseError, emptyAnswer, jsonAnswer, rowNotFound } from '../errors.ts';
import type { ApiAnswer } from '../errors.ts';
import { activeKeyFor, keyValue, rowByKey } from '../keys.ts';
import { applyExpand, parseExpand } from '../odata/expand.ts';
import type { Key, Segment } from '../odata/paths.ts';
import { parseSelect, queryProperty } from '../odata/query.ts';
import { readCollection } from '../reads.ts';
import { etagOf, renderRow, wireName } from '../render.ts';
import type { Row, TableState } from '../store.ts';
import type { WriteContext } from '../writes.ts';

interface Located {
  row?: Row;
  /** The id the row has or will have (undefined for a missing row named by alternate key). */
  id?: string;
  /** The alternate key's columns and values when the row was named by one (a created row gets them). */
  keyValues?: Record<string, unknown>;
  /** How the key is quoted in a 404 message. */
  label: string;
}

function locate(table: TableState, key: Key): Located {
  if ('id' in key) return { row: table.rows.get(key.id), id: key.id, label: key.id };
  const names = Object.keys(key.named);
  if (names.length === 1 && names[0] === table.def.primaryIdAttribute) {
    const id = key.named[names[0]]!.toLowerCase();
    return { row: table.rows.get(id), id, label: id };
  }
  // Any Active alternate key of the table, one or several columns (keys.ts); another is Dataverse's 400.
  const alt = activeKeyFor(table, names);
  const values = Object.fromEntries(names.map((n) => [n, keyValue(table.attribute(n), key.named[n]!)]));
  const row = rowByKey(table, alt, values);
  return { row, id: row?.id, keyValues: values, label: names.map((n) => `${n}=${key.named[n]!}`).join(',') };
}

function entityId(req: ApiRequest, table: TableState, id: string): Record<string, string> {
  return { 'OData-EntityId': `${req.base}${table.def.entitySetName}(${id})` };
}

function representation(ctx: ApiContext, req: ApiRequest, table: TableState, row: Row): Record<string, unknown> {
  const select = parseSelect(table, req.params.get('$select'));
  const selectRaw = req.params.get('$select');
  const expand = parseExpand(ctx.org(), table, req.params.get('$expand'));
  const annotations = preferOf(req).includeAnnotations;
  return applyExpand(ctx.org(), row, expand, {
    '@odata.context': `${req.base}$metadata#${table.def.entitySetName}${selectRaw ? `(${selectRaw})` : ''}/$entity`,
    ...renderRow(ctx.org(), table, row, { ...(select ? { select } : {}), annotations }),
  }, annotations);
}

function writeContext(req: ApiRequest, table: TableState, keyed: boolean): WriteContext {
  return {
    method: req.method, route: `${req.method} /api/data/vXX.X/${table.def.entitySetName}${keyed ? '(:id)' : ''}`,
    ...(req.contentIdPath ? { contentIdPath: req.contentIdPath } : {}),
  };
}

/** Which preferences a write honoured, for Preference-Applied. */
function writeHeaders(req: ApiRequest, table: TableState, id: string): Record<string, string> {
  return { ...entityId(req, table, id), ...(preferOf(req).returnRepresentation ? { 'Preference-Applied': 'return=representation' } : {}) };
}

export function handleRecords(ctx: ApiContext, req: ApiRequest, segments: Segment[]): ApiAnswer {
  const [first, second, third] = segments;
  const table = ctx.org().tableBySet(first!.name);
  if (!first!.key) {
    if (segments.length > 1) throw badQuery(`Resource not found for the segment '${second!.name}'.`);
    if (req.method === 'GET') return readCollection(ctx.org(), table, { base: req.base, params: req.params, prefer: preferOf(req) });
    if (req.method === 'POST') {
      const row = ctx.writer.create(table, jsonBody(req), writeContext(req, table, false));
      if (!preferOf(req).returnRepresentation) return emptyAnswer(204, entityId(req, table, row.id));
      return jsonAnswer(201, representation(ctx, req, table, row), writeHeaders(req, table, row.id));
    }
    throw new DataverseError(405, CODES.badProperty, `The HTTP method '${req.method}' is not allowed on the collection ${first!.name}.`);
  }

  const found = locate(table, first!.key);
  const missing = () => rowNotFound(table.def.logicalName, found.label);
  if (second) {
    if (!found.row) throw missing();
    if (third?.name === '$ref' && req.method === 'DELETE') {
      ctx.writer.clearReference(table, found.row, second.name, writeContext(req, table, true));
      return emptyAnswer(204);
    }
    if (segments.length === 2 && req.method === 'GET') {
      const a = queryProperty(table, second.name);
      const v = found.row.values[a.logicalName];
      const value = v && typeof v === 'object' && 'id' in v ? (v as { id: string }).id : (v ?? null);
      return jsonAnswer(200, { '@odata.context': `${req.base}$metadata#${table.def.entitySetName}(${found.row.id})/${wireName(a)}`, value });
    }
    throw badQuery(`Resource not found for the segment '${second.name}'.`);
  }

  const ifMatch = req.headers['if-match'];
  const ifNoneMatch = req.headers['if-none-match'];
  switch (req.method) {
    case 'GET': {
      for (const key of req.params.keys()) {
        if (key.startsWith('$') && key !== '$select' && key !== '$expand') throw badQuery(`The query parameter ${key} is not supported on a single row by this sandbox.`);
      }
      if (!found.row) throw missing();
      if (ifNoneMatch && ifNoneMatch === etagOf(found.row)) return emptyAnswer(304);
      return jsonAnswer(200, representation(ctx, req, table, found.row));
    }
    case 'PATCH': {
      const body = jsonBody(req);
      const wctx = writeContext(req, table, true);
      const repr = preferOf(req).returnRepresentation;
      if (found.row) {
        if (ifNoneMatch === '*') throw new DataverseError(412, CODES.alreadyExists, 'A record with matching key values already exists.');
        if (ifMatch && ifMatch !== '*' && ifMatch !== etagOf(found.row)) {
          throw new DataverseError(412, CODES.etagMismatch, "The version of the existing record doesn't match the RowVersion property provided.");
        }
        const row = ctx.writer.update(table, found.row, body, wctx);
        return repr ? jsonAnswer(200, representation(ctx, req, table, row), writeHeaders(req, table, row.id)) : emptyAnswer(204, entityId(req, table, row.id));
      }
      // Missing: If-Match (any) means update only; otherwise the row is created with the key it was named by.
      if (ifMatch) throw missing();
      const createBody = found.keyValues !== undefined ? { ...body, ...found.keyValues } : body;
      const row = ctx.writer.create(table, createBody, wctx, found.id);
      return repr ? jsonAnswer(201, representation(ctx, req, table, row), writeHeaders(req, table, row.id)) : emptyAnswer(204, entityId(req, table, row.id));
    }
    case 'DELETE': {
      if (!found.row) throw missing();
      if (ifMatch && ifMatch !== '*' && ifMatch !== etagOf(found.row)) {
        throw new DataverseError(412, CODES.etagMismatch, "The version of the existing record doesn't match the RowVersion property provided.");
      }
      ctx.writer.delete(table, found.row, writeContext(req, table, true));
      return emptyAnswer(204);
    }
    default:
      throw new DataverseError(405, CODES.badProperty, `The HTTP method '${req.method}' is not allowed on a row.`);
  }
}
