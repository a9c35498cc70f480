/** `POST /crm/v3/objects/{type}/search` → 200 `{total, results, paging?}` (results carry no associations). */
import express from 'express';
import type { Router } from 'express';
import { sendJson } from '../errors.ts';
import { renderRecord } from '../serialize.ts';
import { runSearch } from '../search.ts';
import type { SearchRequest } from '../search.ts';
import { bodyObject, objectType } from './context.ts';
import type { RouteContext } from './context.ts';

export function searchRouter(ctx: RouteContext): Router {
  const r = express.Router();
  r.post('/crm/v3/objects/:objectType/search', (req, res) => {
    const type = objectType(req.params.objectType);
    const body = bodyObject(req) as SearchRequest;
    const portal = ctx.portal();
    const { total, page, nextAfter } = runSearch(portal, type, body);
    const properties = Array.isArray(body.properties) ? body.properties.map(String) : undefined;
    sendJson(res, 200, {
      total,
      results: page.map((rec) => renderRecord(portal, rec, { properties })),
      ...(nextAfter ? { paging: { next: { after: nextAfter } } } : {}),
    });
  });
  return r;
}
