/**
 * Write routes: `POST /{Module}` (create), `PUT /{Module}` and `PUT /{Module}/{id}` (update),
 * `POST /{Module}/upsert`, `DELETE /{Module}?ids=` and `DELETE /{Module}/{id}`. The body's `trigger` is accepted
 * and ignored: no workflow runs here.
 */
import express from 'express';
import type { Request, Router } from 'express';
import { sendJson } from '../errors.ts';
import { RecordWriter } from '../writes.ts';
import type { WriteAnswer } from '../writes.ts';
import { moduleOf } from './context.ts';
import type { ZohoContext } from './context.ts';

export function writesRouter(ctx: ZohoContext): Router {
  const r = express.Router();
  const writer = new RecordWriter(ctx.org, ctx.control, ctx.notifier);
  const route = (req: Request, suffix = '') => `${req.method} /crm/v8/${req.params.module}${suffix}`;
  const send = (res: express.Response, a: WriteAnswer) => sendJson(res, a.status, a.body);
  r.post('/crm/v8/:module/upsert', (req, res) => send(res, writer.upsert(route(req, '/upsert'), moduleOf(req.params.module), req.body)));
  r.post('/crm/v8/:module', (req, res) => send(res, writer.create(route(req), moduleOf(req.params.module), req.body)));
  r.put('/crm/v8/:module', (req, res) => send(res, writer.update(route(req), moduleOf(req.params.module), req.body)));
  r.put('/crm/v8/:module/:id', (req, res) => send(res, writer.update(route(req, '/:id'), moduleOf(req.params.module), req.body, req.params.id as string)));
  r.delete('/crm/v8/:module', (req, res) => {
    const ids = typeof req.query.ids === 'string' ? req.query.ids.split(',').map((s) => s.trim()).filter(Boolean) : [];
    send(res, writer.delete(route(req), moduleOf(req.params.module), ids));
  });
  r.delete('/crm/v8/:module/:id', (req, res) => send(res, writer.delete(route(req, '/:id'), moduleOf(req.params.module), [req.params.id as string])));
  return r;
}
