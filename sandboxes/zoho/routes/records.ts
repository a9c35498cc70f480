/**
 * Record routes under `/crm/v8/{Module}`: list, one record, the recycle bin, and the writes (create, update,
 * upsert, delete; see ../writes.ts). `deleted` and `upsert` are matched before `/{id}`.
 */
import express from 'express';
import type { Request, Response, Router } from 'express';
import { sendJson, sendNoContent } from '../errors.ts';
import { listDeleted, listRecords, parseFields } from '../reads.ts';
import { renderRecord } from '../render.ts';
import { moduleOf } from './context.ts';
import type { ZohoContext } from './context.ts';

function answer(res: Response, body: Record<string, unknown> | null): void {
  if (body === null) sendNoContent(res);
  else sendJson(res, 200, body);
}

export function recordsRouter(ctx: ZohoContext): Router {
  const r = express.Router();
  const since = (req: Request) => req.get('if-modified-since');
  r.get('/crm/v8/:module/deleted', (req, res) => {
    answer(res, listDeleted(ctx.org(), moduleOf(req.params.module), req.query as Record<string, unknown>, since(req)));
  });
  r.get('/crm/v8/:module', (req, res) => {
    answer(res, listRecords(ctx.org(), moduleOf(req.params.module), req.query as Record<string, unknown>, since(req)));
  });
  r.get('/crm/v8/:module/:id', (req, res) => {
    const org = ctx.org();
    const module = moduleOf(req.params.module);
    const record = org.module(module).records.get(req.params.id);
    if (!record) return sendNoContent(res);
    // One record: `fields` optional here; without it every field comes back.
    const fields = typeof req.query.fields === 'string' ? parseFields(org, module, req.query.fields) : org.module(module).fields;
    sendJson(res, 200, { data: [renderRecord(org, module, record, fields)] });
  });
  return r;
}
