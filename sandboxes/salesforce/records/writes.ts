/**
 * Create, update, delete and upsert with Salesforce's validation. Every function validates fully before it
 * stores anything, and runs inside a store transaction, so a rejected write leaves no trace.
 */
import { SfError, entityIsDeleted, jsonParserError, notFound } from '../errors.ts';
import type { FieldDef, ObjectDef } from '../describe/field-types.ts';
import { USER_ID, to18 } from '../ids.ts';
import type { SalesforceOrg, WriteOrigin } from '../org.ts';
import type { SfRecord } from '../store.ts';
import { formatDateTime, parseDateTime } from '../time.ts';
import { coerceValue } from './coerce.ts';
import { applyDerived } from './derived.ts';

type Row = Record<string, unknown>;

/** Keys a client may send that are not fields. */
const IGNORED_KEYS = new Set(['attributes']);

/** Validates and coerces a client body into canonical field → value. */
export function parseBody(org: SalesforceOrg, obj: ObjectDef, body: unknown, mode: 'create' | 'update'): Row {
  assertWritable(obj);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw jsonParserError('Unexpected parameter encountered during deserialization: the body must be a JSON object');
  }
  const out: Row = {};
  for (const [key, raw] of Object.entries(body as Row)) {
    if (IGNORED_KEYS.has(key)) continue;
    const field = org.meta.field(obj.name, key);
    if (!field) throw new SfError(400, 'INVALID_FIELD', `No such column '${key}' on sobject of type ${obj.name}`);
    if (field.readOnly || (mode === 'update' && field.createOnly)) {
      throw new SfError(400, field.name === 'Id' ? 'INVALID_FIELD' : 'INVALID_FIELD_FOR_INSERT_UPDATE',
        `Unable to create/update fields: ${field.name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`, [field.name]);
    }
    const value = coerceValue(field, raw);
    if (field.type === 'reference' && value !== null) checkReference(org, field, value as string);
    out[field.name] = value;
  }
  return out;
}

function assertWritable(obj: ObjectDef): void {
  if (obj.readOnly) throw new SfError(403, 'INSUFFICIENT_ACCESS_OR_READONLY', `insufficient access rights on object ${obj.name}`);
}

/** A reference must name a live record of the referenced type (the org's one user for User lookups). */
export function checkReference(org: SalesforceOrg, field: FieldDef, id: string): void {
  const target = field.referenceTo?.[0] ?? '';
  const targetDef = org.meta.object(target);
  if (targetDef && id.slice(0, 3) !== targetDef.keyPrefix) {
    throw new SfError(400, 'FIELD_INTEGRITY_EXCEPTION', `${field.label}: id value of incorrect type: ${id}`, [field.name]);
  }
  const rec = org.store.get(target, id);
  if (!rec || rec.IsDeleted === true) {
    throw new SfError(400, 'INVALID_CROSS_REFERENCE_KEY', `${field.label}: invalid cross reference id`, [field.name]);
  }
}

function checkRequired(obj: ObjectDef, row: Row, only?: Row): void {
  const missing = obj.fields
    .filter((f) => f.required && !f.readOnly && (only === undefined || f.name in only))
    .filter((f) => row[f.name] === null || row[f.name] === undefined)
    .map((f) => f.name);
  if (missing.length) throw new SfError(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing);
}

function checkUnique(org: SalesforceOrg, obj: ObjectDef, row: Row, selfId?: string): void {
  for (const f of obj.fields) {
    if (!f.unique) continue;
    const value = row[f.name];
    if (value === null || value === undefined) continue;
    const clash = findByField(org, obj, f, value).find((r) => r.Id !== selfId);
    if (clash) {
      throw new SfError(400, 'DUPLICATE_VALUE', `duplicate value found: ${f.name} duplicates value on record with id: ${clash.Id}`, [f.name]);
    }
  }
}

/** Live records whose field equals `value` (text compared case-insensitively, as unique indexes do). */
export function findByField(org: SalesforceOrg, obj: ObjectDef, field: FieldDef, value: unknown): SfRecord[] {
  const norm = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);
  const wanted = field.type === 'id' && typeof value === 'string' ? (to18(value) ?? value) : norm(value);
  return org.store.all(obj.name).filter((r) => norm(r[field.name]) === wanted);
}

/** The next SystemModstamp: now, but always later than the record's previous one so every write shows. */
function nextStamp(org: SalesforceOrg, prev?: SfRecord): string {
  const now = org.now();
  const before = typeof prev?.SystemModstamp === 'string' ? (parseDateTime(prev.SystemModstamp) ?? 0) : 0;
  return formatDateTime(Math.max(now, before + 1));
}

/** Live record or Salesforce's 404s (NOT_FOUND, ENTITY_IS_DELETED). */
export function requireLive(org: SalesforceOrg, obj: ObjectDef, rawId: string): SfRecord {
  const id = to18(rawId);
  const rec = id ? org.store.get(obj.name, id) : undefined;
  if (!rec) throw notFound();
  if (rec.IsDeleted === true) throw entityIsDeleted();
  return rec;
}

export function createRecord(org: SalesforceOrg, obj: ObjectDef, body: unknown, origin: WriteOrigin): string {
  const values = parseBody(org, obj, body, 'create');
  return insertValues(org, obj, values, origin, 'create');
}

function insertValues(org: SalesforceOrg, obj: ObjectDef, values: Row, origin: WriteOrigin, operation: 'create' | 'upsert'): string {
  const row: Row = {};
  for (const f of obj.fields) row[f.name] = f.defaultValue ?? null;
  Object.assign(row, values);
  if (row.OwnerId === null && org.meta.field(obj.name, 'OwnerId')) row.OwnerId = USER_ID;
  checkRequired(obj, row);
  checkUnique(org, obj, row);
  applyDerived(obj.name, row, values, true);
  const stamp = nextStamp(org);
  const id = org.newId(obj.keyPrefix);
  Object.assign(row, {
    Id: id, IsDeleted: false, CreatedDate: stamp, CreatedById: USER_ID,
    LastModifiedDate: stamp, LastModifiedById: USER_ID, SystemModstamp: stamp,
  });
  org.store.transaction(() => {
    org.store.put(obj.name, row as SfRecord);
    org.store.logWrite({ ...origin, objectType: obj.name, recordId: id, operation, fields: values });
  });
  return id;
}

export function updateRecord(org: SalesforceOrg, obj: ObjectDef, rawId: string, body: unknown, origin: WriteOrigin, operation: 'update' | 'upsert' = 'update'): string {
  const existing = requireLive(org, obj, rawId);
  const values = parseBody(org, obj, body, 'update');
  return applyUpdate(org, obj, existing, values, origin, operation);
}

function applyUpdate(org: SalesforceOrg, obj: ObjectDef, existing: SfRecord, values: Row, origin: WriteOrigin, operation: 'update' | 'upsert'): string {
  checkRequired(obj, values, values);
  const row: Row = { ...existing, ...values };
  checkUnique(org, obj, row, existing.Id);
  applyDerived(obj.name, row, values, false);
  const stamp = nextStamp(org, existing);
  Object.assign(row, { LastModifiedDate: stamp, LastModifiedById: USER_ID, SystemModstamp: stamp });
  org.store.transaction(() => {
    org.store.put(obj.name, row as SfRecord);
    org.store.logWrite({ ...origin, objectType: obj.name, recordId: existing.Id, operation, fields: values });
  });
  return existing.Id;
}

/** Soft delete: the row stays, with IsDeleted, for queryAll and /deleted. */
export function deleteRecord(org: SalesforceOrg, obj: ObjectDef, rawId: string, origin: WriteOrigin): string {
  assertWritable(obj);
  const existing = requireLive(org, obj, rawId);
  const stamp = nextStamp(org, existing);
  const row: Row = { ...existing, IsDeleted: true, LastModifiedDate: stamp, SystemModstamp: stamp, $deletedAt: parseDateTime(stamp) };
  org.store.transaction(() => {
    org.store.put(obj.name, row as SfRecord);
    org.store.logWrite({ ...origin, objectType: obj.name, recordId: existing.Id, operation: 'delete', fields: {} });
  });
  return existing.Id;
}

/**
 * Restores a soft-deleted record from the Recycle Bin (SOAP `undelete`; the sandbox offers it as a control route).
 * Salesforce's UNDELETE_FAILED when the record is not deleted.
 */
export function undeleteRecord(org: SalesforceOrg, obj: ObjectDef, rawId: string, origin: WriteOrigin): string {
  assertWritable(obj);
  const id = to18(rawId);
  const existing = id ? org.store.get(obj.name, id) : undefined;
  if (!existing) throw notFound();
  if (existing.IsDeleted !== true) throw new SfError(400, 'UNDELETE_FAILED', 'Entity is not in the recycle bin');
  const stamp = nextStamp(org, existing);
  const row: Row = { ...existing, IsDeleted: false, LastModifiedDate: stamp, SystemModstamp: stamp };
  delete row.$deletedAt;
  org.store.transaction(() => {
    org.store.put(obj.name, row as SfRecord);
    org.store.logWrite({ ...origin, objectType: obj.name, recordId: existing.Id, operation: 'undelete', fields: {} });
  });
  return existing.Id;
}

export interface UpsertResult {
  id: string;
  created: boolean;
}

/** The external-id field of an upsert path, or the 404 Salesforce gives for anything else. */
export function externalIdField(org: SalesforceOrg, obj: ObjectDef, name: string): FieldDef {
  const field = org.meta.field(obj.name, name);
  if (!field || !(field.externalId || field.type === 'id')) {
    throw new SfError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${name}`);
  }
  return field;
}

/**
 * Upsert by external id. The value comes from the URL (single) or the body (collections); a body value that
 * disagrees with the URL is refused.
 */
export function upsertRecord(
  org: SalesforceOrg, obj: ObjectDef, field: FieldDef, extValue: string, body: unknown, origin: WriteOrigin,
  opts: { updateOnly?: boolean } = {},
): UpsertResult {
  const values = parseBody(org, obj, body, 'update');
  const coerced = field.type === 'id' ? to18(extValue) : coerceValue(field, extValue);
  if (field.name in values && values[field.name] !== coerced) {
    throw new SfError(400, 'INVALID_FIELD', `The value of the external ID field ${field.name} in the body does not match the one in the URL`, [field.name]);
  }
  const matches = coerced === undefined || coerced === null ? [] : findByField(org, obj, field, coerced);
  if (matches.length > 1) {
    throw new SfError(300, 'MULTIPLE_CHOICES', matches.map((m) => `/services/data/v60.0/sobjects/${obj.name}/${m.Id}`).join(','));
  }
  if (matches.length === 1) {
    return { id: applyUpdate(org, obj, matches[0]!, values, origin, 'upsert'), created: false };
  }
  if (opts.updateOnly || field.type === 'id') throw notFound();
  return { id: insertValues(org, obj, { ...values, [field.name]: coerced }, origin, 'upsert'), created: true };
}
