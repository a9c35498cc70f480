/**
 * Mappers both ways between Zoho records and the contract's flat records, keyed by field API names (what
 * `describeObjects` lists):
 *  - a lookup (`{"id","name"}`) and `Owner`/`Created_By`/`Modified_By` (`{"id","name","email"}`) read as the id;
 *  - date-times carry the org's offset (`2024-05-01T17:30:00+05:30`): they are normalised to UTC
 *    (`2024-05-01T12:00:00Z`), so times from every CRM compare as strings and as instants; `modifiedAt` too;
 *  - picklists stay their display values, dates `YYYY-MM-DD`, everything else as Zoho sends it.
 * Writes map back: a lookup id becomes `{"id": …}` (null clears it), a Date becomes `YYYY-MM-DD` for date fields or
 * `YYYY-MM-DDTHH:MM:SS+00:00` for date-times (a date-time string in any offset is re-rendered the same way, since
 * Zoho wants an explicit offset). `id` is never written as a field. Other keys go through unchanged and Zoho judges
 * them per record (an unknown or read-only field is INVALID_DATA, i.e. CRM_VALIDATION).
 */
import { ConnectorError } from '../contract/index.ts';
import type { NativeRecord } from '../contract/index.ts';
import type { FieldMap } from './describe.ts';
import { MODIFIED_FIELD } from './describe.ts';
import { ZOHO, invalidValue } from './errors.ts';

/** A record as Zoho sends it. */
export type ZohoRecord = Record<string, unknown> & { id?: unknown };

const OFFSET_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)$/;
/** Fields that hold users whatever the metadata says. */
const USER_FIELDS = new Set(['Owner', 'Created_By', 'Modified_By']);
const MODULE = /^[A-Za-z][A-Za-z0-9_]*$/;
const NUMERIC_ID = /^\d{1,30}$/;

/** Zoho module API names are identifiers: anything else would change the request path. */
export function checkModule(module: string): string {
  if (!MODULE.test(module)) throw new ConnectorError('CRM_NOT_FOUND', ZOHO, `no module named ${JSON.stringify(module).slice(0, 80)}`, { details: { objectType: module } });
  return module;
}

/** Zoho ids are numeric strings (19 digits); anything else names no record. */
export function isZohoId(id: unknown): id is string {
  return typeof id === 'string' && NUMERIC_ID.test(id);
}

/** An ISO-8601 time in any offset as UTC without milliseconds (`…Z`); null when unreadable. */
export function toUtc(value: unknown): string | null {
  if (typeof value !== 'string' || !OFFSET_TIME.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Epoch ms of a Zoho time (any offset); NaN when unreadable. */
export function epochOf(value: unknown): number {
  return typeof value === 'string' && OFFSET_TIME.test(value) ? Date.parse(value) : Number.NaN;
}

/** What Zoho takes for a date-time: seconds, explicit `+00:00`. */
export function zohoTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function readValue(name: string, value: unknown, map: FieldMap | null): unknown {
  if (value === null || value === undefined) return null;
  const type = map?.typeOf(name);
  if (type === 'lookup' || type === 'ownerlookup' || USER_FIELDS.has(name) || (type === undefined && isLookupValue(value))) {
    const id = (value as { id?: unknown }).id;
    if (typeof value === 'object' && id !== undefined && id !== null) return String(id);
    return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
  }
  if (type === 'datetime' || (type === undefined && name.endsWith('_Time'))) return toUtc(value) ?? value;
  return value;
}

const isLookupValue = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value) && 'id' in value;

/** A record as a NativeRecord; `fields` limits the keys returned (all when absent), missing ones read as null. */
export function toNativeRecord(module: string, raw: ZohoRecord, map: FieldMap | null, fields?: readonly string[]): NativeRecord {
  // Zoho's own `$…` keys (approval state, etc.) are no fields.
  const keys = fields ?? Object.keys(raw).filter((key) => !key.startsWith('$'));
  const selected: Record<string, unknown> = {};
  for (const key of keys) selected[key] = key === 'id' ? String(raw.id) : readValue(key, raw[key], map);
  return {
    id: String(raw.id),
    objectType: module,
    modifiedAt: toUtc(raw[MODIFIED_FIELD]),
    fields: selected,
  };
}

/** A contract `fields` bag as a Zoho record body; undefined values are left out (not written). */
export function toZohoBody(fields: Record<string, unknown>, map: FieldMap | null): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || key === 'id') continue;
    const type = map?.typeOf(key);
    if (type === 'lookup' || type === 'ownerlookup' || USER_FIELDS.has(key)) body[key] = writeLookup(key, value);
    else if (type === 'date') body[key] = writeDate(key, value);
    else if (type === 'datetime') body[key] = writeDateTime(key, value);
    else if (value instanceof Date) body[key] = writeDateTime(key, value);
    else body[key] = value;
  }
  return body;
}

function writeLookup(name: string, value: unknown): { id: string } | null {
  if (value === null || value === '') return null;
  const id = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : value;
  const text = typeof id === 'number' ? String(id) : id;
  if (!isZohoId(text)) throw invalidValue(name, 'a Zoho record id (digits)');
  return { id: text };
}

function writeDate(name: string, value: unknown): string | null {
  if (value === null || value === '') return null;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw invalidValue(name, 'a date (YYYY-MM-DD)');
  return new Date(ms).toISOString().slice(0, 10);
}

function writeDateTime(name: string, value: unknown): string | null {
  if (value === null || value === '') return null;
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw invalidValue(name, 'a date-time (ISO-8601)');
  return zohoTime(ms);
}
