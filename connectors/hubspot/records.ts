/**
 * Mappers both ways between HubSpot's v3 object shape and the contract's records. Values stay native: HubSpot
 * sends every property as a string (or null) and that is what `fields` holds; turning "1000.5" into a number is
 * the resolver engine's job, not the connector's.
 */
import { ConnectorError } from '../contract/index.ts';
import type { NativeRecord } from '../contract/index.ts';
import { HUBSPOT } from './client.ts';
import { modifiedPropertyOf } from './describe.ts';

/** The v3 object as the client deserialises it (dates become Date objects, upsert's `new` becomes `_new`). */
export interface HubSpotObject {
  id: string;
  properties?: Record<string, string | null>;
  createdAt?: Date | string;
  updatedAt?: Date | string;
  archived?: boolean;
  archivedAt?: Date | string;
  objectWriteTraceId?: string;
  _new?: boolean;
}

export function isoOf(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  return value;
}

/** Epoch ms of a HubSpot timestamp (ISO string, epoch-ms string or Date); NaN when unreadable. */
export function epochOf(value: Date | string | null | undefined): number {
  if (value === null || value === undefined || value === '') return Number.NaN;
  if (value instanceof Date) return value.getTime();
  return /^\d+$/.test(value) ? Number(value) : Date.parse(value);
}

/** The record's modification time: its modification property, else `updatedAt` (which mirrors it). */
export function modifiedAtOf(objectType: string, object: HubSpotObject): string | null {
  const property = object.properties?.[modifiedPropertyOf(objectType)];
  return property ? property : isoOf(object.updatedAt);
}

export function toNativeRecord(objectType: string, object: HubSpotObject): NativeRecord {
  const record: NativeRecord = {
    id: String(object.id),
    objectType,
    modifiedAt: modifiedAtOf(objectType, object),
    fields: { ...(object.properties ?? {}) },
  };
  if (object.archived) record.deleted = true;
  return record;
}

/** One value as HubSpot accepts it: strings; '' clears; multi-selects joined with ';'; dates as ISO. */
export function toHubSpotValue(name: string, value: unknown): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' || typeof value === 'bigint') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw invalidValue(name, 'a finite number');
    return String(value);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw invalidValue(name, 'a valid date');
    return value.toISOString();
  }
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return value.join(';');
  throw invalidValue(name, 'a string, number, boolean, date or list of options');
}

/** A contract `fields` bag as HubSpot `properties`; undefined values are left out (not written). */
export function toHubSpotProperties(fields: Record<string, unknown>): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    properties[name] = toHubSpotValue(name, value);
  }
  return properties;
}

function invalidValue(name: string, expected: string): ConnectorError {
  return new ConnectorError('CRM_VALIDATION', HUBSPOT, `property ${name} must be ${expected}`, { details: { fields: [name] } });
}
