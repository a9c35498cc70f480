/**
 * v1 field metadata: `GET|POST /api/v1/{person,organization,deal}Fields`, `GET|DELETE …/{id}`. Creating a field
 * answers 201 with the field; its 40-hex key is at once accepted in `custom_fields` of v2 writes.
 */
import express from 'express';
import type { Router } from 'express';
import { PipedriveError, sendData } from '../errors.ts';
import { objectByFieldsPath } from '../objects.ts';
import type { ObjectName } from '../objects.ts';
import { toV1, nowSeconds } from '../time.ts';
import { bodyObject, idParam, v1Page } from './context.ts';
import type { RouteContext } from './context.ts';

const fieldNotFound = () => new PipedriveError(404, 'Field not found');

function fieldsObject(raw: string | undefined): ObjectName {
  const object = objectByFieldsPath(raw ?? '');
  if (!object) throw new PipedriveError(404, `Unknown fields collection: ${raw}`);
  return object;
}

export function fieldsRouter(ctx: RouteContext): Router {
  const r = express.Router();
  const base = '/api/v1/:fields';

  r.get(base, (req, res) => {
    const object = fieldsObject(req.params.fields);
    const { page, pagination } = v1Page(req, ctx.company().fields.list(object));
    sendData(res, page, { pagination });
  });

  r.get(`${base}/:id`, (req, res) => {
    const object = fieldsObject(req.params.fields);
    const field = ctx.company().fields.byId(object, idParam(req.params.id, fieldNotFound));
    if (!field) throw fieldNotFound();
    sendData(res, field);
  });

  r.post(base, (req, res) => {
    const object = fieldsObject(req.params.fields);
    const field = ctx.company().fields.create(object, bodyObject(req), toV1(nowSeconds()));
    sendData(res, field, undefined, 201);
  });

  r.delete(`${base}/:id`, (req, res) => {
    const object = fieldsObject(req.params.fields);
    const field = ctx.company().fields.remove(object, idParam(req.params.id, fieldNotFound));
    if (!field) throw fieldNotFound();
    sendData(res, { id: field.id });
  });

  return r;
}
