/**
 * Batch endpoints (reference §2.5): at most 100 inputs; 207 multi-status with per-record errors. Creates,
 * updates and upserts are all-or-nothing (one invalid input → the whole call fails and nothing is stored) unless
 * every input carries a distinct `objectWriteTraceId`, which turns on partial success as in HubSpot.
 */
import express from 'express';
import type { Response, Router } from 'express';
import { HubSpotError, isoNow, sendJson, validationError } from '../errors.ts';
import { OBJECT_TYPES } from '../object-types.ts';
import type { ObjectTypeName } from '../object-types.ts';
import { renderRecord } from '../serialize.ts';
import type { StoredRecord } from '../store.ts';
import type { UniqueClaims } from '../writes.ts';
import { batchInputs, bodyObject, boolParam, objectType, writeSource } from './context.ts';
import type { RouteContext } from './context.ts';
import { findRecord } from './objects.ts';

interface Input {
  id?: unknown;
  idProperty?: unknown;
  properties?: unknown;
  associations?: unknown;
  objectWriteTraceId?: unknown;
}

/** One per-record error of a 207 answer. */
function recordError(err: HubSpotError, context: Record<string, string[]>) {
  const body = err.body();
  return { status: 'error', category: err.category, message: err.message, context, errors: body.errors ?? [] };
}

function notFoundError(type: ObjectTypeName, ids: string[]) {
  return {
    status: 'error', category: 'OBJECT_NOT_FOUND',
    message: `Could not get some ${OBJECT_TYPES[type].upper} objects, they may be deleted or not exist. Check that ids are valid.`,
    context: { ids }, errors: [],
  };
}

/** Partial success is on only when every input carries its own objectWriteTraceId. */
function traceMode(inputs: Input[]): boolean {
  if (!inputs.length || !inputs.every((i) => typeof i?.objectWriteTraceId === 'string' && i.objectWriteTraceId)) return false;
  return new Set(inputs.map((i) => i.objectWriteTraceId)).size === inputs.length;
}

function respond(res: Response, okStatus: number, startedAt: string, results: unknown[], errors: unknown[]): void {
  const body: Record<string, unknown> = { status: 'COMPLETE', results, startedAt, completedAt: isoNow() };
  if (errors.length) {
    body.numErrors = errors.length;
    body.errors = errors;
  }
  sendJson(res, errors.length ? 207 : okStatus, body);
}

function withTrace(rendered: Record<string, unknown>, input: Input): Record<string, unknown> {
  return typeof input.objectWriteTraceId === 'string' ? { ...rendered, objectWriteTraceId: input.objectWriteTraceId } : rendered;
}

/** Runs `prepare` for every input; in all-or-nothing mode the first failure aborts the whole call. */
function prepareAll<T>(inputs: Input[], partial: boolean, prepare: (input: Input) => T) {
  const ok: { input: Input; plan: T }[] = [];
  const errors: unknown[] = [];
  for (const input of inputs) {
    try {
      ok.push({ input, plan: prepare(input ?? {}) });
    } catch (err) {
      if (!partial || !(err instanceof HubSpotError)) throw err;
      errors.push(recordError(err, { objectWriteTraceId: [String(input.objectWriteTraceId)] }));
    }
  }
  return { ok, errors };
}

export function batchRouter(ctx: RouteContext): Router {
  const r = express.Router();
  const base = '/crm/v3/objects/:objectType/batch';

  r.post(`${base}/read`, (req, res) => {
    const startedAt = isoNow();
    const type = objectType(req.params.objectType);
    const inputs = batchInputs<Input>(req);
    const body = bodyObject(req);
    const idProperty = typeof body.idProperty === 'string' ? body.idProperty : undefined;
    const archived = boolParam(req, 'archived');
    const portal = ctx.portal();
    const opts = {
      properties: Array.isArray(body.properties) ? body.properties.map(String) : undefined,
      propertiesWithHistory: Array.isArray(body.propertiesWithHistory) ? body.propertiesWithHistory.map(String) : undefined,
    };
    const found = new Map<string, StoredRecord>();
    const missing: string[] = [];
    for (const input of inputs) {
      const id = String(input?.id ?? '');
      try {
        const rec = findRecord(ctx, type, id, idProperty, archived);
        if (rec.archived !== archived) throw new Error('archived state differs');
        found.set(rec.id, rec);
      } catch (err) {
        if (err instanceof HubSpotError && err.httpStatus === 400) throw err;
        if (!missing.includes(id)) missing.push(id);
      }
    }
    const results = [...found.values()].map((rec) => renderRecord(portal, rec, opts));
    respond(res, 200, startedAt, results, missing.length ? [notFoundError(type, missing)] : []);
  });

  r.post(`${base}/create`, (req, res) => {
    const startedAt = isoNow();
    const type = objectType(req.params.objectType);
    const inputs = batchInputs<Input>(req);
    const partial = traceMode(inputs);
    const claims: UniqueClaims = new Map();
    const { ok, errors } = prepareAll(inputs, partial, (input) => ctx.writer.prepareCreate(type, input, claims));
    const src = writeSource(req, res);
    const results = ok.map(({ input, plan }) => withTrace(renderRecord(ctx.portal(), ctx.writer.applyCreate(type, plan, src), { properties: 'all' }), input));
    respond(res, 201, startedAt, results, errors);
  });

  r.post(`${base}/update`, (req, res) => {
    const startedAt = isoNow();
    const type = objectType(req.params.objectType);
    const inputs = batchInputs<Input>(req);
    const ids = inputs.map((i) => String(i?.id ?? ''));
    const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
    if (dupes.length) throw validationError(`Duplicate IDs found in batch input: [${[...new Set(dupes)].join(', ')}]. IDs must be unique`);
    const partial = traceMode(inputs);
    const claims: UniqueClaims = new Map();
    const missing: string[] = [];
    const { ok, errors } = prepareAll(inputs, partial, (input) => {
      const idProperty = typeof input.idProperty === 'string' ? input.idProperty : undefined;
      let record: StoredRecord;
      try {
        record = findRecord(ctx, type, String(input.id ?? ''), idProperty);
      } catch (err) {
        if (err instanceof HubSpotError && err.httpStatus === 404) {
          missing.push(String(input.id ?? ''));
          return undefined;
        }
        throw err;
      }
      return { record, values: ctx.writer.prepareUpdate(record, input.properties, claims) };
    });
    const src = writeSource(req, res);
    const results = ok
      .filter(({ plan }) => plan !== undefined)
      .map(({ input, plan }) => withTrace(renderRecord(ctx.portal(), ctx.writer.applyUpdate(plan!.record, plan!.values, src), { properties: 'all' }), input));
    respond(res, 200, startedAt, results, missing.length ? [...errors, notFoundError(type, missing)] : errors);
  });

  r.post(`${base}/upsert`, (req, res) => {
    const startedAt = isoNow();
    const type = objectType(req.params.objectType);
    const inputs = batchInputs<Input>(req);
    const partial = traceMode(inputs);
    const claims: UniqueClaims = new Map();
    const portal = ctx.portal();
    const { ok, errors } = prepareAll(inputs, partial, (input) => {
      const idProperty = typeof input.idProperty === 'string' ? input.idProperty : '';
      const id = String(input.id ?? '');
      if (!idProperty || idProperty === 'hs_object_id' || !portal.properties.isUnique(type, idProperty)) {
        throw validationError(`idProperty must name a unique property of ${type} (got "${idProperty}")`);
      }
      const existing = portal.records.findByUnique(type, idProperty, id);
      if (existing) return { existing, values: ctx.writer.prepareUpdate(existing, input.properties, claims) };
      const properties = { ...(input.properties as Record<string, unknown> | undefined), [idProperty]: id };
      return { existing: undefined, create: ctx.writer.prepareCreate(type, { properties }, claims) };
    });
    const src = writeSource(req, res);
    const results = ok.map(({ input, plan }) => {
      const rec = plan.existing
        ? ctx.writer.applyUpdate(plan.existing, plan.values!, src, 'upsert')
        : ctx.writer.applyCreate(type, plan.create!, src, 'upsert');
      return withTrace({ ...renderRecord(ctx.portal(), rec, { properties: 'all' }), new: !plan.existing }, input);
    });
    respond(res, 200, startedAt, results, errors);
  });

  r.post(`${base}/archive`, (req, res) => {
    const type = objectType(req.params.objectType);
    const inputs = batchInputs<Input>(req);
    const src = writeSource(req, res);
    for (const input of inputs) ctx.writer.archive(ctx.portal().records.live(type, String(input?.id ?? '')), src);
    res.status(204).end();
  });

  return r;
}
