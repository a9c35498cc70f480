/** The properties API: list, read, create, update and archive property definitions (reference §2.7). */
import express from 'express';
import type { Router } from 'express';
import { sendJson } from '../errors.ts';
import { propertyNotFound } from '../properties.ts';
import { bodyObject, boolParam, objectType } from './context.ts';
import type { RouteContext } from './context.ts';

export function propertiesRouter(ctx: RouteContext): Router {
  const r = express.Router();
  // The custom object schemas: the sandbox emulates the standard objects only, so there are none.
  r.get(['/crm/v3/schemas', '/crm-object-schemas/v3/schemas'], (_req, res) => {
    sendJson(res, 200, { results: [] });
  });
  r.get('/crm/v3/properties/:objectType', (req, res) => {
    const type = objectType(req.params.objectType);
    sendJson(res, 200, { results: ctx.portal().properties.list(type, boolParam(req, 'archived')) });
  });
  r.get('/crm/v3/properties/:objectType/:propertyName', (req, res) => {
    const type = objectType(req.params.objectType);
    const archived = boolParam(req, 'archived');
    const def = ctx.portal().properties.list(type, archived).find((d) => d.name === req.params.propertyName);
    if (!def) throw propertyNotFound(type, req.params.propertyName);
    sendJson(res, 200, def);
  });
  r.post('/crm/v3/properties/:objectType', (req, res) => {
    const type = objectType(req.params.objectType);
    sendJson(res, 201, ctx.portal().properties.create(type, bodyObject(req)));
  });
  r.patch('/crm/v3/properties/:objectType/:propertyName', (req, res) => {
    const type = objectType(req.params.objectType);
    sendJson(res, 200, ctx.portal().properties.update(type, req.params.propertyName, bodyObject(req)));
  });
  r.delete('/crm/v3/properties/:objectType/:propertyName', (req, res) => {
    const type = objectType(req.params.objectType);
    ctx.portal().properties.archive(type, req.params.propertyName);
    res.status(204).end();
  });
  return r;
}
