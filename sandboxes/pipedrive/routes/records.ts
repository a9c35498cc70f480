/** v2 CRUD on `/api/v2/{persons,organizations,deals}` with Pipedrive's envelopes (wire contract "Records"). */
import express from 'express';
import type { Router } from 'express';
import { sendData } from '../errors.ts';
import { listPage } from '../listing.ts';
import { notFound } from '../writes.ts';
import { bodyObject, idParam, objectParam, writeRoute } from './context.ts';
import type { RouteContext } from './context.ts';


export function recordsRouter(ctx: RouteContext): Router {
  const r = express.Router();
  const base = '/api/v2/:obj';

  r.get(base, (req, res) => {
    const object = objectParam(req.params.obj);
    const company = ctx.company();
    const { page, nextCursor } = listPage(req, object, company.records.all(object));
    sendData(res, page.map((x) => company.render(x)), { next_cursor: nextCursor });
  });

  r.get(`${base}/:id`, (req, res) => {
    const object = objectParam(req.params.obj);
    const company = ctx.company();
    // A deleted record is still readable by id, marked `is_deleted: true`.
    const record = company.records.raw(object, idParam(req.params.id, () => notFound(object)));
    if (!record) throw notFound(object);
    sendData(res, company.render(record));
  });

  r.post(base, (req, res) => {
    const object = objectParam(req.params.obj);
    const record = ctx.writer.create(object, bodyObject(req), writeRoute(req));
    sendData(res, ctx.company().render(record));
  });

  r.patch(`${base}/:id`, (req, res) => {
    const object = objectParam(req.params.obj);
    const id = idParam(req.params.id, () => notFound(object));
    const record = ctx.writer.update(object, id, bodyObject(req), writeRoute(req));
    sendData(res, ctx.company().render(record));
  });

  r.delete(`${base}/:id`, (req, res) => {
    const object = objectParam(req.params.obj);
    const id = idParam(req.params.id, () => notFound(object));
    ctx.writer.delete(object, id, writeRoute(req));
    sendData(res, { id });
  });

  return r;
}
