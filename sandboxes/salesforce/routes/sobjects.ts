/** sObject resources: describeGlobal, basic info, describe, single-record CRUD and upsert by external id. */
import { describeGlobal, describeObject, globalEntry } from '../describe/render.ts';
import { SfError, notFound } from '../errors.ts';
import { renderRecord, resolveFieldList } from '../records/render.ts';
import { createRecord, deleteRecord, externalIdField, findByField, requireLive, updateRecord, upsertRecord } from '../records/writes.ts';
import type { Route } from './types.ts';

const T = '([A-Za-z][A-Za-z0-9_]*)';
const SEG = '([^/]+)';

export const sobjectRoutes: Route[] = [
  { method: 'GET', pattern: /^\/sobjects\/?$/, handler: (ctx, req) => ({ status: 200, body: describeGlobal(ctx.org.meta, req.version) }) },
  {
    method: 'GET', pattern: new RegExp(`^/sobjects/${T}/?$`),
    handler: (ctx, req, [type]) => {
      const obj = ctx.org.meta.requireObject(type!);
      return { status: 200, body: { objectDescribe: globalEntry(obj, req.version), recentItems: [] } };
    },
  },
  {
    method: 'GET', pattern: new RegExp(`^/sobjects/${T}/describe/?$`),
    handler: (ctx, req, [type]) => ({ status: 200, body: describeObject(ctx.org.meta, ctx.org.meta.requireObject(type!), req.version) }),
  },
  {
    method: 'POST', pattern: new RegExp(`^/sobjects/${T}(?:/Id)?/?$`),
    handler: (ctx, req, [type]) => {
      const obj = ctx.org.meta.requireObject(type!);
      const id = createRecord(ctx.org, obj, req.body, ctx.origin(req));
      return { status: 201, body: { id, success: true, errors: [] }, headers: { Location: `/services/data/v${req.version}/sobjects/${obj.name}/${id}` } };
    },
  },
  {
    method: 'GET', pattern: new RegExp(`^/sobjects/${T}/${SEG}/?$`),
    handler: (ctx, req, [type, id]) => {
      const obj = ctx.org.meta.requireObject(type!);
      const rec = requireLive(ctx.org, obj, id!);
      return { status: 200, body: renderRecord(obj, rec, req.version, resolveFieldList(ctx.org, obj, req.query.get('fields'))) };
    },
  },
  {
    method: 'PATCH', pattern: new RegExp(`^/sobjects/${T}/${SEG}/?$`),
    handler: (ctx, req, [type, id]) => {
      const obj = ctx.org.meta.requireObject(type!);
      const body = stripId(req.body, id!);
      updateRecord(ctx.org, obj, id!, body, ctx.origin(req));
      return { status: 204 };
    },
  },
  {
    method: 'DELETE', pattern: new RegExp(`^/sobjects/${T}/${SEG}/?$`),
    handler: (ctx, req, [type, id]) => {
      deleteRecord(ctx.org, ctx.org.meta.requireObject(type!), id!, ctx.origin(req));
      return { status: 204 };
    },
  },
  {
    method: 'PATCH', pattern: new RegExp(`^/sobjects/${T}/${T}/${SEG}/?$`),
    handler: (ctx, req, [type, fieldName, value]) => {
      const obj = ctx.org.meta.requireObject(type!);
      const field = externalIdField(ctx.org, obj, fieldName!);
      const result = upsertRecord(ctx.org, obj, field, value!, req.body, ctx.origin(req), { updateOnly: req.query.get('updateOnly') === 'true' });
      return {
        status: result.created ? 201 : 200,
        body: { id: result.id, success: true, errors: [], created: result.created },
        ...(result.created ? { headers: { Location: `/services/data/v${req.version}/sobjects/${obj.name}/${result.id}` } } : {}),
      };
    },
  },
  {
    method: 'GET', pattern: new RegExp(`^/sobjects/${T}/${T}/${SEG}/?$`),
    handler: (ctx, req, [type, fieldName, value]) => {
      const obj = ctx.org.meta.requireObject(type!);
      const field = externalIdField(ctx.org, obj, fieldName!);
      const matches = findByField(ctx.org, obj, field, value);
      if (!matches.length) throw notFound();
      if (matches.length > 1) throw new SfError(300, 'MULTIPLE_CHOICES', matches.map((m) => `/services/data/v${req.version}/sobjects/${obj.name}/${m.Id}`).join(','));
      return { status: 200, body: renderRecord(obj, matches[0]!, req.version, resolveFieldList(ctx.org, obj, req.query.get('fields'))) };
    },
  },
  {
    method: 'DELETE', pattern: new RegExp(`^/sobjects/${T}/${T}/${SEG}/?$`),
    handler: (ctx, req, [type, fieldName, value]) => {
      const obj = ctx.org.meta.requireObject(type!);
      const matches = findByField(ctx.org, obj, externalIdField(ctx.org, obj, fieldName!), value);
      if (!matches.length) throw notFound();
      if (matches.length > 1) throw new SfError(300, 'MULTIPLE_CHOICES', matches.map((m) => `/services/data/v${req.version}/sobjects/${obj.name}/${m.Id}`).join(','));
      deleteRecord(ctx.org, obj, matches[0]!.Id, ctx.origin(req));
      return { status: 204 };
    },
  },
];

/** A PATCH body may repeat the record's own Id (some clients do); any other Id is refused. */
function stripId(body: unknown, id: string): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const { Id, id: lower, ...rest } = body as Record<string, unknown>;
  for (const given of [Id, lower]) {
    if (given !== undefined && String(given).slice(0, 15) !== id.slice(0, 15)) {
      throw new SfError(400, 'INVALID_FIELD', 'Unable to create/update fields: Id. Please check the security settings of this field and verify that it is read/write for your profile or permission set.', ['Id']);
    }
  }
  return rest;
}
