/** What every route module needs: the current portal, the writer, and request parsing helpers. */
import type { Request, Response } from 'express';
import { routeKey } from '../../common/control-plane.ts';
import { resolveObjectType } from '../object-types.ts';
import type { ObjectTypeName } from '../object-types.ts';
import { HubSpotError, validationError } from '../errors.ts';
import type { Portal } from '../store.ts';
import type { RecordWriter, WriteSource } from '../writes.ts';
import type { Caller } from '../auth.ts';

export interface RouteContext {
  portal(): Portal;
  writer: RecordWriter;
}

/** Resolves `{objectType}` from the path; HubSpot answers an unknown type with 400. */
export function objectType(raw: string | undefined): ObjectTypeName {
  const t = resolveObjectType(raw ?? '');
  if (!t) throw new HubSpotError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${raw}`);
  return t;
}

/** Array query parameters arrive as repeated keys (the client) or comma-separated (curl, docs): accept both. */
export function listParam(req: Request, name: string): string[] | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  const parts = (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(',')).map((s) => s.trim()).filter(Boolean);
  return parts;
}

export function boolParam(req: Request, name: string): boolean {
  const v = req.query[name];
  return (Array.isArray(v) ? v[0] : v) === 'true';
}

export function intParam(req: Request, name: string, fallback: number, max: number): number {
  const raw = req.query[name];
  if (raw === undefined) return fallback;
  const n = Number(Array.isArray(raw) ? raw[0] : raw);
  if (!Number.isInteger(n) || n < 1) throw validationError(`${name} must be a positive integer`);
  if (n > max) throw validationError(`${name} must be at most ${max}`, [{ message: `must be less than or equal to ${max}`, in: name }]);
  return n;
}

/** Associated object types named in `associations=` (unknown ones are ignored, as HubSpot does). */
export function associationTypesParam(req: Request): ObjectTypeName[] {
  return (listParam(req, 'associations') ?? []).map(resolveObjectType).filter((t): t is ObjectTypeName => !!t);
}

export function writeSource(req: Request, res: Response): WriteSource {
  const caller = res.locals.caller as Caller | undefined;
  return { sourceId: caller?.sourceId ?? 'unknown', method: req.method, route: routeKey(req) };
}

/** The sandbox's own base URL as the caller reached it, for `paging.next.link`. */
export function baseUrl(req: Request): string {
  return `${req.protocol}://${req.get('host')}`;
}

export function bodyObject(req: Request): Record<string, unknown> {
  const b = req.body as unknown;
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw validationError('The request body must be a JSON object');
  return b as Record<string, unknown>;
}

/** Batch `inputs`: an array of at most 100 (HubSpot's batch limit). */
export function batchInputs<T = Record<string, unknown>>(req: Request, max = 100): T[] {
  const inputs = bodyObject(req).inputs;
  if (!Array.isArray(inputs)) throw validationError('inputs must be an array', [{ message: 'must not be null', in: 'inputs' }]);
  if (inputs.length > max) {
    throw validationError(`Too many inputs: ${inputs.length}; a batch may hold at most ${max}.`, [{ message: `size must be between 0 and ${max}`, in: 'inputs' }]);
  }
  return inputs as T[];
}
