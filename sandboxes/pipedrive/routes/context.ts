/** What every route module needs: the current company, the writer, and Pipedrive's request parsing. */
import type { Request } from 'express';
import { routeKey } from '../../common/control-plane.ts';
import { badRequest, PipedriveError } from '../errors.ts';
import { objectName } from '../objects.ts';
import type { ObjectName } from '../objects.ts';
import type { Company } from '../store.ts';
import type { RecordWriter } from '../writes.ts';

export interface RouteContext {
  company(): Company;
  writer: RecordWriter;
}

/** `{obj}` of a v2 path; the routes are only mounted for the three objects, so anything else is a 404. */
export function objectParam(raw: string | undefined): ObjectName {
  const object = objectName(raw);
  if (!object) throw new PipedriveError(404, `Unknown object: ${raw}`);
  return object;
}

/** A record id from the path; a non-numeric one names no record. */
export function idParam(raw: string | undefined, notFound: () => PipedriveError): number {
  if (!raw || !/^\d+$/.test(raw)) throw notFound();
  return Number(raw);
}

export function stringQuery(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  return String(Array.isArray(v) ? v[0] : v);
}

/** An integer query parameter in [min, max]; out of range or not an integer is Pipedrive's 400. */
export function intQuery(req: Request, name: string, fallback: number, min: number, max: number): number {
  const raw = stringQuery(req, name);
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw)) throw badRequest(`Invalid value for ${name}: an integer is expected`);
  const n = Number(raw);
  if (n < min || n > max) throw badRequest(`Invalid value for ${name}: must be between ${min} and ${max}`);
  return n;
}

export function bodyObject(req: Request): Record<string, unknown> {
  const b = req.body as unknown;
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw badRequest('The request body must be a JSON object');
  return b as Record<string, unknown>;
}

/** How the ledger names a write. */
export function writeRoute(req: Request): { method: string; route: string } {
  return { method: req.method, route: routeKey(req) };
}

/** v1 offset pagination (`start`, `limit` ≤ 500) as `additional_data.pagination`. */
export function v1Page<T>(req: Request, items: T[]): { page: T[]; pagination: Record<string, unknown> } {
  const start = intQuery(req, 'start', 0, 0, Number.MAX_SAFE_INTEGER);
  const limit = intQuery(req, 'limit', 100, 1, 500);
  const page = items.slice(start, start + limit);
  const more = start + limit < items.length;
  return { page, pagination: { start, limit, more_items_in_collection: more, next_start: more ? start + limit : null } };
}
