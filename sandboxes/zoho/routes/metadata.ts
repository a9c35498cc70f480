/** `GET settings/modules`, `GET settings/fields?module=`, `POST settings/fields?module=` (custom fields). */
import express from 'express';
import type { Router } from 'express';
import { requiredParam, sendJson, ZohoError } from '../errors.ts';
import { createCustomField, renderFields, renderModules } from '../metadata.ts';
import { moduleOf } from './context.ts';
import type { ZohoContext } from './context.ts';

export function metadataRouter(ctx: ZohoContext): Router {
  const r = express.Router();
  r.get('/crm/v8/settings/modules', (_req, res) => sendJson(res, 200, renderModules(ctx.org())));
  r.get('/crm/v8/settings/fields', (req, res) => {
    if (req.query.module === undefined) throw requiredParam('module');
    sendJson(res, 200, renderFields(ctx.org(), moduleOf(req.query.module)));
  });
  r.post('/crm/v8/settings/fields', (req, res) => {
    if (req.query.module === undefined) throw requiredParam('module');
    const module = moduleOf(req.query.module);
    const specs = (req.body as { fields?: unknown } | undefined)?.fields;
    if (!Array.isArray(specs) || !specs.length) throw requiredParam('fields');
    if (specs.length > 10) throw new ZohoError(400, 'LIMIT_EXCEEDED', 'at most 10 fields can be created at once', { limit: 10 });
    const results = specs.map((spec, i) => createCustomField(ctx.org(), module, spec, i));
    const ok = results.filter((x) => x.ok).length;
    sendJson(res, ok === results.length ? 201 : ok === 0 ? 400 : 207, {
      fields: results.map((x) => x.ok
        ? { code: 'SUCCESS', details: { id: x.field.id, api_name: x.field.apiName }, message: 'field created', status: 'success' }
        : { code: x.error.code, details: x.error.details, message: x.error.message, status: 'error' }),
    });
  });
  return r;
}
