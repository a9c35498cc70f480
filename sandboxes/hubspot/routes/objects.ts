/** Basic CRUD on `/crm/v3/objects/{type}` with HubSpot's exact success statuses (reference §2.3). */
import express from 'express';
import type { Request, Router } from 'express';
import { notFound, sendJson, validationError } from '../errors.ts';
import type { ObjectTypeName } from '../object-types.ts';
import { renderRecord } from '../serialize.ts';
import type { StoredRecord } from '../store.ts';
import { associationTypesParam, baseUrl, bodyObject, boolParam, intParam, listParam, objectType, writeSource } from './context.ts';
import type { RouteContext } from './context.ts';

/** Finds a record by id or by a unique `idProperty` (e.g. `email`); 404 unless found. */
export function findRecord(ctx: RouteContext, type: ObjectTypeName, id: string, idProperty: string | undefined, includeArchived = false): StoredRecord {
  const portal = ctx.portal();
  let record: StoredRecord | undefined;
  if (idProperty && idProperty !== 'hs_object_id') {
    if (!portal.properties.isUnique(type, idProperty)) {
      throw validationError(`${idProperty} is not a unique property and cannot be used as idProperty.`);
    }
    record = portal.records.findByUnique(type, idProperty, id);
  } else {
    record = includeArchived ? portal.records.raw(type, id) : portal.records.live(type, id);
  }
  if (!record) throw notFound(id);
  return record;
}

function queryString(req: Request, name: string): string | undefined {
  const v = req.query[name];
  return v === undefined ? undefined : String(Array.isArray(v) ? v[0] : v);
}

export function objectsRouter(ctx: RouteContext): Router {
  const r = express.Router();

  r.get('/crm/v3/objects/:objectType', (req, res) => {
    const type = objectType(req.params.objectType);
    const withHistory = listParam(req, 'propertiesWithHistory');
    const limit = intParam(req, 'limit', 10, withHistory?.length ? 50 : 100);
    const after = queryString(req, 'after');
    if (after !== undefined && !/^\d+$/.test(after)) throw validationError(`after must be a cursor returned by a previous page: ${after}`);
    const archived = boolParam(req, 'archived');
    const portal = ctx.portal();
    const all = portal.records.all(type).filter((x) => x.archived === archived);
    const start = after === undefined ? 0 : all.findIndex((x) => Number(x.id) >= Number(after));
    const page = start < 0 ? [] : all.slice(start, start + limit);
    const next = start < 0 ? undefined : all[start + limit];
    const opts = { properties: listParam(req, 'properties'), propertiesWithHistory: withHistory, associations: associationTypesParam(req) };
    const body: Record<string, unknown> = { results: page.map((x) => renderRecord(portal, x, opts)) };
    if (next) {
      const link = new URL(`${baseUrl(req)}${req.path}`);
      for (const [k, v] of Object.entries(req.query)) {
        if (k === 'after') continue;
        for (const item of Array.isArray(v) ? v : [v]) link.searchParams.append(k, String(item));
      }
      link.searchParams.set('after', next.id);
      body.paging = { next: { after: next.id, link: link.toString() } };
    }
    sendJson(res, 200, body);
  });

  r.get('/crm/v3/objects/:objectType/:objectId', (req, res) => {
    const type = objectType(req.params.objectType);
    const archived = boolParam(req, 'archived');
    const record = findRecord(ctx, type, req.params.objectId, queryString(req, 'idProperty'), archived);
    sendJson(res, 200, renderRecord(ctx.portal(), record, {
      properties: listParam(req, 'properties'),
      propertiesWithHistory: listParam(req, 'propertiesWithHistory'),
      associations: associationTypesParam(req),
    }));
  });

  r.post('/crm/v3/objects/:objectType', (req, res) => {
    const type = objectType(req.params.objectType);
    const body = bodyObject(req);
    const prepared = ctx.writer.prepareCreate(type, body);
    const record = ctx.writer.applyCreate(type, prepared, writeSource(req, res));
    sendJson(res, 201, renderRecord(ctx.portal(), record, { properties: 'all' }));
  });

  r.patch('/crm/v3/objects/:objectType/:objectId', (req, res) => {
    const type = objectType(req.params.objectType);
    const record = findRecord(ctx, type, req.params.objectId, queryString(req, 'idProperty'));
    const values = ctx.writer.prepareUpdate(record, bodyObject(req).properties);
    ctx.writer.applyUpdate(record, values, writeSource(req, res));
    sendJson(res, 200, renderRecord(ctx.portal(), record, { properties: 'all' }));
  });

  r.delete('/crm/v3/objects/:objectType/:objectId', (req, res) => {
    const type = objectType(req.params.objectType);
    ctx.writer.archive(ctx.portal().records.live(type, req.params.objectId), writeSource(req, res));
    res.status(204).end();
  });

  return r;
}
