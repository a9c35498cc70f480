/**
 * Mappers both ways between Pipedrive's v2 record shape and the contract's records. Fields are keyed by the v1
 * field-metadata keys (what `describeObjects` lists), so a mapping names one key per field whichever API read it:
 *  - v2 `emails` / `phones` arrays surface as `email` / `phone`: the primary value (else the first), a string;
 *  - `custom_fields` entries surface flat under their 40-hex key; enum values as the option LABEL, set values as
 *    a list of labels (option ids the held metadata does not know stay as they are);
 *  - ids (the record's and references such as `org_id`, `owner_id`, `label_ids`) as strings.
 * Writes map back: `email: 'a@b.test'` becomes a one-entry `emails` list with a primary work address (likewise
 * `phone`), which updates merge into the record's current list (contact-lists.ts); labels become option ids; numeric-string ids become numbers. Other keys go through unchanged and
 * Pipedrive judges them (an unknown field is a 400, i.e. CRM_VALIDATION).
 */
import { ConnectorError } from '../contract/index.ts';
import type { NativeRecord } from '../contract/index.ts';
import { PIPEDRIVE } from './client.ts';
import type { FieldMap } from './describe.ts';
import { isCustomKey } from './describe.ts';

/** A v2 record as Pipedrive sends it (the keys we treat specially; the rest pass through). */
export interface PipedriveRecord {
  id: number | string;
  update_time?: string | null;
  is_deleted?: boolean;
  emails?: Array<{ value?: unknown; primary?: unknown; label?: unknown }> | null;
  phones?: Array<{ value?: unknown; primary?: unknown; label?: unknown }> | null;
  custom_fields?: Record<string, unknown> | null;
  [key: string]: unknown;
}

/** Keys holding ids of other records (or of users, stages, labels), surfaced as strings. */
const ID_KEYS = new Set(['id', 'owner_id', 'org_id', 'person_id', 'stage_id', 'pipeline_id', 'creator_user_id', 'user_id']);
const ID_LIST_KEYS = new Set(['label_ids']);
/** v2 keys that are no field of their own in the v1 metadata. */
const HIDDEN_KEYS = new Set(['is_deleted', 'emails', 'phones', 'custom_fields']);

/** True when mapping `record` needs field metadata (it has custom values that must be read). */
export function needsFieldMap(records: readonly PipedriveRecord[], fields?: readonly string[]): boolean {
  const wanted = fields ? fields.filter(isCustomKey) : null;
  if (wanted && wanted.length === 0) return false;
  return records.some((r) => r.custom_fields && Object.keys(r.custom_fields).some((k) => !wanted || wanted.includes(k)));
}

/** The primary entry's value of an `emails`/`phones` list, else the first; null when empty. */
function primaryValue(list: PipedriveRecord['emails']): string | null {
  if (!Array.isArray(list) || list.length === 0) return null;
  const entry = list.find((e) => e?.primary === true) ?? list[0];
  return entry?.value === undefined || entry.value === null ? null : String(entry.value);
}

function idString(value: unknown): unknown {
  return typeof value === 'number' || typeof value === 'bigint' ? String(value) : value;
}

/** A custom value as our records hold it: enum → label, set → labels, everything else native. */
function readCustom(key: string, value: unknown, fieldMap: FieldMap | null): unknown {
  const field = fieldMap?.byKey.get(key);
  if (!field || value === null || value === undefined) return value;
  if (field.field_type === 'enum') return fieldMap!.labelOf(key, value) ?? value;
  if (field.field_type === 'set') {
    const ids = Array.isArray(value) ? value : String(value).split(',').map((v) => v.trim()).filter((v) => v !== '');
    return ids.map((id) => fieldMap!.labelOf(key, id) ?? String(id));
  }
  return value;
}

/**
 * A v2 record as a NativeRecord. `fields` limits the keys returned (all when absent); `fieldMap` is the held
 * metadata, needed only for enum/set custom values (see `needsFieldMap`).
 */
export function toNativeRecord(objectType: string, raw: PipedriveRecord, fieldMap: FieldMap | null, fields?: readonly string[]): NativeRecord {
  const all: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (HIDDEN_KEYS.has(key)) continue;
    if (ID_KEYS.has(key)) all[key] = idString(value);
    else if (ID_LIST_KEYS.has(key) && Array.isArray(value)) all[key] = value.map(idString);
    else all[key] = value;
  }
  if ('emails' in raw) all.email = primaryValue(raw.emails);
  if ('phones' in raw) all.phone = primaryValue(raw.phones);
  for (const [key, value] of Object.entries(raw.custom_fields ?? {})) all[key] = readCustom(key, value, fieldMap);

  let selected = all;
  if (fields) {
    selected = {};
    // A requested field the record does not carry reads as missing (null), as for other CRMs.
    for (const key of fields) selected[key] = key in all ? all[key] : null;
  }
  const record: NativeRecord = {
    id: String(raw.id),
    objectType,
    modifiedAt: typeof raw.update_time === 'string' ? raw.update_time : null,
    fields: selected,
  };
  if (raw.is_deleted === true) record.deleted = true;
  return record;
}

/** True when writing `fields` needs field metadata (a custom key whose type decides the wire value). */
export function writeNeedsFieldMap(fields: Record<string, unknown>): boolean {
  return Object.keys(fields).some(isCustomKey);
}

/** A contract `fields` bag as a v2 body; undefined values are left out (not written). */
export function toPipedriveBody(fields: Record<string, unknown>, fieldMap: FieldMap | null): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const custom: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (key === 'email') body.emails = contactList(value, key);
    else if (key === 'phone') body.phones = contactList(value, key);
    else if (isCustomKey(key)) custom[key] = writeCustom(key, value, fieldMap);
    else if (ID_KEYS.has(key)) body[key] = idNumber(value);
    else if (ID_LIST_KEYS.has(key)) body[key] = listOf(value).map(idNumber);
    else if (value instanceof Date) body[key] = isoSeconds(key, value);
    else body[key] = value;
  }
  if (Object.keys(custom).length) body.custom_fields = custom;
  return body;
}

function contactList(value: unknown, key: string): Array<{ value: string; primary: boolean; label: string }> {
  if (value === null || value === '') return [];
  if (typeof value !== 'string' && typeof value !== 'number') throw invalidValue(key, 'a string');
  return [{ value: String(value), primary: true, label: 'work' }];
}

function writeCustom(key: string, value: unknown, fieldMap: FieldMap | null): unknown {
  const field = fieldMap?.byKey.get(key);
  if (!field || value === null) return value;
  if (field.field_type === 'enum') {
    if (value === '') return null;
    const id = fieldMap!.optionIdOf(key, value);
    if (id === undefined) throw invalidValue(key, `one of ${(field.options ?? []).map((o) => JSON.stringify(o.label)).join(', ')}`);
    return typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : id;
  }
  if (field.field_type === 'set') {
    const labels = listOf(value);
    const ids = labels.map((label) => {
      const id = fieldMap!.optionIdOf(key, label);
      if (id === undefined) throw invalidValue(key, `a list of ${(field.options ?? []).map((o) => JSON.stringify(o.label)).join(', ')}`);
      return String(id);
    });
    // The wire form of a multiple-option value: comma-separated option ids.
    return ids.join(',');
  }
  if (value instanceof Date) return field.field_type === 'date' ? value.toISOString().slice(0, 10) : isoSeconds(key, value);
  return value;
}

/** A list given as an array or a `;`/`,` separated string. */
function listOf(value: unknown): unknown[] {
  if (value === null || value === '') return [];
  if (Array.isArray(value)) return value;
  return String(value).split(/[;,]/).map((v) => v.trim()).filter((v) => v !== '');
}

function idNumber(value: unknown): unknown {
  return typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
}

function isoSeconds(key: string, value: Date): string {
  if (Number.isNaN(value.getTime())) throw invalidValue(key, 'a valid date');
  return value.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function invalidValue(name: string, expected: string): ConnectorError {
  return new ConnectorError('CRM_VALIDATION', PIPEDRIVE, `field ${name} must be ${expected}`, { details: { fields: [name] } });
}
