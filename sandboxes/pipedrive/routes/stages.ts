/**
 * v2 pipeline stages: `GET /api/v2/stages` (`pipeline_id`, `sort_by` id|update_time|add_time|order_nr,
 * `sort_direction`, `limit` ≤500 default 100, `cursor`), `GET /api/v2/stages/{id}`, `POST /api/v2/stages` and
 * `PATCH /api/v2/stages/{id}`. Mounted before the record routes, whose `/api/v2/:obj` would take `stages` for an
 * unknown object.
 */
import express from 'express';
import type { Router } from 'express';
import { PipedriveError, badRequest, sendData } from '../errors.ts';
import type { Stage } from '../stages.ts';
import { bodyObject, idParam, intQuery, stringQuery } from './context.ts';
import type { RouteContext } from './context.ts';

const stageNotFound = () => new PipedriveError(404, 'Stage not found');
const SORT_KEYS = ['id', 'update_time', 'add_time', 'order_nr'] as const;

/** The cursor is the offset of the next page in the filtered, sorted list (opaque to clients). */
function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const offset = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isSafeInteger(offset) || offset < 0) throw badRequest('Invalid cursor');
  return offset;
}

export function stagesRouter(ctx: RouteContext): Router {
  const r = express.Router();

  r.get('/api/v2/stages', (req, res) => {
    const pipeline = stringQuery(req, 'pipeline_id');
    const pipelineId = pipeline === undefined || pipeline === '' ? undefined : intQuery(req, 'pipeline_id', 0, 0, Number.MAX_SAFE_INTEGER);
    const sortBy = (stringQuery(req, 'sort_by') ?? 'id') as (typeof SORT_KEYS)[number];
    if (!SORT_KEYS.includes(sortBy)) throw badRequest(`Invalid value for sort_by: one of ${SORT_KEYS.join(', ')}`);
    const desc = stringQuery(req, 'sort_direction') === 'desc';
    const limit = intQuery(req, 'limit', 100, 1, 500);
    const key = (s: Stage) => (sortBy === 'add_time' || sortBy === 'update_time' ? Date.parse(s[sortBy]) : s[sortBy]);
    const all = ctx.company().stages.list(pipelineId).sort((a, b) => (key(a) - key(b) || a.id - b.id) * (desc ? -1 : 1));
    const offset = offsetOf(stringQuery(req, 'cursor'));
    const page = all.slice(offset, offset + limit);
    const more = offset + limit < all.length;
    sendData(res, page, { next_cursor: more ? Buffer.from(String(offset + limit)).toString('base64url') : null });
  });

  r.get('/api/v2/stages/:id', (req, res) => {
    const stage = ctx.company().stages.get(idParam(req.params.id, stageNotFound));
    if (!stage) throw stageNotFound();
    sendData(res, stage);
  });

  r.post('/api/v2/stages', (req, res) => {
    sendData(res, ctx.company().stages.create(bodyObject(req)));
  });

  r.patch('/api/v2/stages/:id', (req, res) => {
    const stage = ctx.company().stages.update(idParam(req.params.id, stageNotFound), bodyObject(req));
    if (!stage) throw stageNotFound();
    sendData(res, stage);
  });

  return r;
}
