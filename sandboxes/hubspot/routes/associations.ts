/** Associations v4 between contacts, companies and deals: per-record and batch reads, creates and archives. */
import express from 'express';
import type { Request, Response, Router } from 'express';
import { HubSpotError, isoNow, notFound, sendJson, validationError } from '../errors.ts';
import { OBJECT_TYPES } from '../object-types.ts';
import type { ObjectTypeName } from '../object-types.ts';
import { associationType, defaultAssociationType, typesBetween } from '../association-types.ts';
import { baseUrl, batchInputs, intParam, objectType, writeSource } from './context.ts';
import type { RouteContext } from './context.ts';

interface Spec {
  associationCategory?: unknown;
  associationTypeId?: unknown;
}

const typeView = (typeId: number) => ({ category: 'HUBSPOT_DEFINED', typeId, label: associationType(typeId)?.label ?? null });

export function associationsRouter(ctx: RouteContext): Router {
  const r = express.Router();

  const requireLive = (type: ObjectTypeName, id: string) => {
    if (!ctx.portal().records.live(type, id)) throw notFound(id);
  };

  /** Validates association specs from → to; USER_DEFINED labels are not emulated. */
  const specTypeIds = (from: ObjectTypeName, to: ObjectTypeName, specs: unknown): number[] => {
    if (!Array.isArray(specs) || specs.length === 0) throw validationError('At least one association type is required');
    return (specs as Spec[]).map((s) => {
      const t = associationType(Number(s?.associationTypeId));
      if (!t || t.from !== from || t.to !== to || s.associationCategory !== 'HUBSPOT_DEFINED') {
        throw validationError(`association type ${String(s?.associationTypeId)} (${String(s?.associationCategory)}) is not valid from ${from} to ${to}; valid: ${typesBetween(from, to).map((x) => x.typeId).join(', ')}`);
      }
      return t.typeId;
    });
  };

  const pair = (from: ObjectTypeName, fromId: string, to: ObjectTypeName, toId: string) => ({
    fromObjectTypeId: OBJECT_TYPES[from].typeId,
    fromObjectId: fromId,
    toObjectTypeId: OBJECT_TYPES[to].typeId,
    toObjectId: toId,
    labels: ctx.portal().associations.list(from, fromId, to).find((a) => a.toId === toId)?.typeIds
      .map((t) => associationType(t)?.label).filter((l): l is string => !!l) ?? [],
  });

  const createDefault = (from: ObjectTypeName, fromId: string, to: ObjectTypeName, toId: string, req: Request, res: Response) => {
    const t = defaultAssociationType(from, to);
    if (!t) throw validationError(`No default association between ${from} and ${to}`);
    ctx.writer.associate(from, fromId, to, toId, [t.typeId], writeSource(req, res));
    return [
      { from: { id: fromId }, to: { id: toId }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: t.typeId } },
      { from: { id: toId }, to: { id: fromId }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: t.inverse } },
    ];
  };

  r.get('/crm/v4/objects/:objectType/:objectId/associations/:toObjectType', (req, res) => {
    const from = objectType(req.params.objectType);
    const to = objectType(req.params.toObjectType);
    requireLive(from, req.params.objectId);
    const limit = intParam(req, 'limit', 500, 500);
    const after = typeof req.query.after === 'string' ? Number(req.query.after) : 0;
    const all = ctx.portal().liveAssociations(from, req.params.objectId, to).filter((a) => Number(a.toId) >= after);
    const page = all.slice(0, limit);
    const next = all[limit];
    sendJson(res, 200, {
      results: page.map((a) => ({ toObjectId: a.toId, associationTypes: a.typeIds.map(typeView) })),
      ...(next ? { paging: { next: { after: next.toId, link: `${baseUrl(req)}${req.path}?after=${next.toId}&limit=${limit}` } } } : {}),
    });
  });

  r.put('/crm/v4/objects/:objectType/:objectId/associations/default/:toObjectType/:toObjectId', (req, res) => {
    const startedAt = isoNow();
    const from = objectType(req.params.objectType);
    const to = objectType(req.params.toObjectType);
    requireLive(from, req.params.objectId);
    requireLive(to, req.params.toObjectId);
    const results = createDefault(from, req.params.objectId, to, req.params.toObjectId, req, res);
    sendJson(res, 200, { status: 'COMPLETE', results, startedAt, completedAt: isoNow() });
  });

  r.put('/crm/v4/objects/:objectType/:objectId/associations/:toObjectType/:toObjectId', (req, res) => {
    const from = objectType(req.params.objectType);
    const to = objectType(req.params.toObjectType);
    const { objectId, toObjectId } = req.params;
    requireLive(from, objectId);
    requireLive(to, toObjectId);
    const typeIds = specTypeIds(from, to, req.body);
    ctx.writer.associate(from, objectId, to, toObjectId, typeIds, writeSource(req, res));
    sendJson(res, 201, pair(from, objectId, to, toObjectId));
  });

  r.delete('/crm/v4/objects/:objectType/:objectId/associations/:toObjectType/:toObjectId', (req, res) => {
    const from = objectType(req.params.objectType);
    const to = objectType(req.params.toObjectType);
    ctx.writer.dissociate(from, req.params.objectId, to, req.params.toObjectId, writeSource(req, res));
    res.status(204).end();
  });

  r.get('/crm/v4/associations/:fromObjectType/:toObjectType/labels', (req, res) => {
    const from = objectType(req.params.fromObjectType);
    const to = objectType(req.params.toObjectType);
    sendJson(res, 200, { results: typesBetween(from, to).map((t) => typeView(t.typeId)) });
  });

  const batch = '/crm/v4/associations/:fromObjectType/:toObjectType/batch';

  r.post(`${batch}/read`, (req, res) => {
    const startedAt = isoNow();
    const from = objectType(req.params.fromObjectType);
    const to = objectType(req.params.toObjectType);
    const inputs = batchInputs<{ id?: unknown; after?: unknown }>(req, 1000);
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const input of inputs) {
      const id = String(input?.id ?? '');
      const after = input?.after === undefined ? 0 : Number(input.after);
      const list = ctx.portal().records.live(from, id) ? ctx.portal().liveAssociations(from, id, to).filter((a) => Number(a.toId) >= after) : [];
      if (!list.length) {
        errors.push({
          status: 'error', category: 'OBJECT_NOT_FOUND', subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
          message: `No ${OBJECT_TYPES[to].singular} is associated with ${OBJECT_TYPES[from].singular} ${id}.`,
          context: { fromObjectId: [id], fromObjectType: [OBJECT_TYPES[from].upper], toObjectType: [OBJECT_TYPES[to].upper] }, errors: [],
        });
        continue;
      }
      results.push({ from: { id }, to: list.map((a) => ({ toObjectId: a.toId, associationTypes: a.typeIds.map(typeView) })) });
    }
    batchAnswer(res, 200, startedAt, results, errors);
  });

  r.post(`${batch}/create`, (req, res) => {
    const startedAt = isoNow();
    const from = objectType(req.params.fromObjectType);
    const to = objectType(req.params.toObjectType);
    const inputs = batchInputs<{ from?: { id?: unknown }; to?: { id?: unknown }; types?: unknown }>(req, 2000);
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const input of inputs) {
      const fromId = String(input?.from?.id ?? '');
      const toId = String(input?.to?.id ?? '');
      try {
        requireLive(from, fromId);
        requireLive(to, toId);
        ctx.writer.associate(from, fromId, to, toId, specTypeIds(from, to, input?.types), writeSource(req, res));
        results.push(pair(from, fromId, to, toId));
      } catch (err) {
        if (!(err instanceof HubSpotError)) throw err;
        errors.push({ status: 'error', category: err.category, message: err.message, context: { fromObjectId: [fromId], toObjectId: [toId] }, errors: [] });
      }
    }
    batchAnswer(res, 201, startedAt, results, errors);
  });

  r.post(`${batch}/associate/default`, (req, res) => {
    const startedAt = isoNow();
    const from = objectType(req.params.fromObjectType);
    const to = objectType(req.params.toObjectType);
    const inputs = batchInputs<{ from?: { id?: unknown }; to?: { id?: unknown } }>(req, 2000);
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const input of inputs) {
      const fromId = String(input?.from?.id ?? '');
      const toId = String(input?.to?.id ?? '');
      if (!ctx.portal().records.live(from, fromId) || !ctx.portal().records.live(to, toId)) {
        errors.push({ status: 'error', category: 'OBJECT_NOT_FOUND', message: `Could not find ${from} ${fromId} or ${to} ${toId}`, context: { fromObjectId: [fromId], toObjectId: [toId] }, errors: [] });
        continue;
      }
      results.push(...createDefault(from, fromId, to, toId, req, res));
    }
    // The client accepts only 200 here, even with per-input errors.
    sendJson(res, 200, { status: 'COMPLETE', results, startedAt, completedAt: isoNow(), ...(errors.length ? { numErrors: errors.length, errors } : {}) });
  });

  r.post(`${batch}/archive`, (req, res) => {
    const from = objectType(req.params.fromObjectType);
    const to = objectType(req.params.toObjectType);
    const inputs = batchInputs<{ from?: { id?: unknown }; to?: { id?: unknown }[] }>(req, 2000);
    for (const input of inputs) {
      const fromId = String(input?.from?.id ?? '');
      for (const t of Array.isArray(input?.to) ? input.to : []) ctx.writer.dissociate(from, fromId, to, String(t?.id ?? ''), writeSource(req, res));
    }
    res.status(204).end();
  });

  return r;
}

function batchAnswer(res: Response, okStatus: number, startedAt: string, results: unknown[], errors: unknown[]): void {
  sendJson(res, errors.length ? 207 : okStatus, {
    status: 'COMPLETE', results, startedAt, completedAt: isoNow(), ...(errors.length ? { numErrors: errors.length, errors } : {}),
  });
}
