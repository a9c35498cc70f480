/**
 * Create, update, upsert and delete, at most 100 records per call. Each record is checked and applied on its own,
 * in input order (Zoho has no transactions): the answer lists one result per input, `SUCCESS` with the record's
 * id and times, or the error code with `details` naming the field (`api_name`, `json_path`). Records earlier in
 * the same call count for uniqueness checks of later ones.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ControlPlane } from '../common/control-plane.ts';
import { invalidData, requiredParam, ZohoError } from './errors.ts';
import type { ChangeNotifier } from './notifications.ts';
import { writeDetails } from './render.ts';
import type { FieldDef, ModuleName } from './schema.ts';
import type { Org, ZohoRecord } from './store.ts';
import { nowSeconds } from './time.ts';
import { checkValue } from './values.ts';
import type { RecordError } from './values.ts';

export const MAX_RECORDS = 100;

export type WriteKind = 'create' | 'update' | 'upsert' | 'delete';

/** One entry of the answer's `data[]`. */
export type RecordResult = Record<string, unknown> & { status: 'success' | 'error' };

export interface WriteAnswer {
  status: number;
  body: { data: RecordResult[] };
}

function errorResult(error: RecordError): RecordResult {
  return { code: error.code, details: error.details, message: error.message, status: 'error' };
}

const recordPath = (i: number, name?: string) => `$.data[${i}]${name ? `.${name}` : ''}`;
const isEmpty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length);
const uniqueKey = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : JSON.stringify(v));

/** The body's `data`: an array of 1–100 records, else a top-level 400 before anything is written. */
export function recordsOf(body: unknown): unknown[] {
  const data = (body && typeof body === 'object' ? (body as { data?: unknown }).data : undefined);
  if (data === undefined) throw requiredParam('data');
  if (!Array.isArray(data)) throw invalidData('data must be an array', { param_name: 'data' });
  if (!data.length) throw requiredParam('data');
  if (data.length > MAX_RECORDS) throw new ZohoError(400, 'LIMIT_EXCEEDED', `Maximum of ${MAX_RECORDS} records can be processed in one call`, { limit: MAX_RECORDS });
  return data;
}

/** Checks a record's fields against the module; the new stored values, or the first error. */
function checkRecord(org: Org, module: ModuleName, raw: unknown, i: number, existing?: ZohoRecord): { values: Record<string, unknown> } | { error: RecordError } {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { error: { code: 'INVALID_DATA', message: 'invalid data', details: { json_path: recordPath(i) } } };
  }
  const changes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    // `id` names the record (update) or is ignored (create); `$`-keys are Zoho's own flags.
    if (name === 'id' || name.startsWith('$')) continue;
    const field = org.field(module, name);
    const invalid = (extra: Record<string, unknown> = {}) => ({ error: { code: 'INVALID_DATA', message: 'invalid data', details: { api_name: name, json_path: recordPath(i, name), ...extra } } });
    if (!field) return invalid();
    if (field.readOnly) return invalid();
    const checked = checkValue(org, field, value, recordPath(i, name));
    if (!checked.ok) return { error: checked.error };
    changes[name] = checked.value;
  }
  const values = { ...(existing?.values ?? { Owner: org.user.id }), ...changes };
  const fields = org.module(module).fields;
  for (const field of fields) {
    if (field.mandatory && isEmpty(values[field.apiName])) {
      return { error: { code: 'MANDATORY_NOT_FOUND', message: 'required field not found', details: { api_name: field.apiName, json_path: recordPath(i, field.apiName) } } };
    }
  }
  for (const field of fields) {
    if (!field.unique || !(field.apiName in changes) || isEmpty(changes[field.apiName])) continue;
    const clash = findByUnique(org, module, field, changes[field.apiName], existing?.id);
    if (clash) {
      return { error: { code: 'DUPLICATE_DATA', message: 'duplicate data', details: { api_name: field.apiName, json_path: recordPath(i, field.apiName), duplicate_record: { id: clash.id } } } };
    }
  }
  if (values.Owner === undefined || values.Owner === null) values.Owner = org.user.id;
  return { values };
}

/** Unique values compare case-insensitively (Zoho's unique fields are not case-sensitive by default). */
function findByUnique(org: Org, module: ModuleName, field: FieldDef, value: unknown, except?: string): ZohoRecord | undefined {
  const key = uniqueKey(value);
  for (const r of org.module(module).records.values()) {
    if (r.id !== except && !isEmpty(r.values[field.apiName]) && uniqueKey(r.values[field.apiName]) === key) return r;
  }
  return undefined;
}

function answer(kind: WriteKind, results: RecordResult[]): WriteAnswer {
  const ok = results.filter((r) => r.status === 'success').length;
  const status = ok === 0 ? 400 : ok < results.length ? 207 : kind === 'create' ? 201 : 200;
  return { status, body: { data: results } };
}

/** The fields an update changed, in the order the request names them (`id`, `$`-keys and unchanged values left out). */
function changedFields(raw: unknown, before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  return Object.keys(raw as Record<string, unknown>).filter((name) => name !== 'id' && !name.startsWith('$') && !isDeepStrictEqual(before[name], after[name]));
}

/** What one write request did to a module, for the one notification per operation it sends. */
class Changes {
  readonly inserted: string[] = [];
  readonly updated = new Map<string, string[]>();
  readonly deleted: string[] = [];

  update(id: string, fields: string[]): void {
    this.updated.set(id, [...new Set([...(this.updated.get(id) ?? []), ...fields])]);
  }

  send(notifier: ChangeNotifier | undefined, module: ModuleName): void {
    notifier?.notify(module, 'insert', this.inserted);
    notifier?.notify(module, 'update', [...this.updated.keys()], this.updated);
    notifier?.notify(module, 'delete', this.deleted);
  }
}

export class RecordWriter {
  constructor(private readonly org: () => Org, private readonly control: ControlPlane, private readonly notifier?: ChangeNotifier) {}

  private ledger(route: string, module: ModuleName, record: ZohoRecord, operation: WriteKind, fields: Record<string, unknown>): void {
    this.control.recordWrite({ method: route.split(' ')[0]!, route, objectType: module, recordId: record.id, operation, fields });
  }

  private insert(org: Org, module: ModuleName, values: Record<string, unknown>): ZohoRecord {
    const now = nowSeconds();
    const record: ZohoRecord = { id: org.nextId(), values, createdAt: now, modifiedAt: now };
    org.module(module).records.set(record.id, record);
    return record;
  }

  private change(record: ZohoRecord, values: Record<string, unknown>): void {
    record.values = values;
    record.modifiedAt = nowSeconds();
  }

  create(route: string, module: ModuleName, body: unknown): WriteAnswer {
    const org = this.org();
    const changes = new Changes();
    const results = recordsOf(body).map((raw, i): RecordResult => {
      const checked = checkRecord(org, module, raw, i);
      if ('error' in checked) return errorResult(checked.error);
      const record = this.insert(org, module, checked.values);
      this.ledger(route, module, record, 'create', raw as Record<string, unknown>);
      changes.inserted.push(record.id);
      return { code: 'SUCCESS', details: writeDetails(org, record), message: 'record added', status: 'success' };
    });
    changes.send(this.notifier, module);
    return answer('create', results);
  }

  update(route: string, module: ModuleName, body: unknown, pathId?: string): WriteAnswer {
    const org = this.org();
    const records = recordsOf(body);
    const changes = new Changes();
    const results = records.map((raw, i): RecordResult => {
      const id = pathId ?? (raw && typeof raw === 'object' ? (raw as { id?: unknown }).id : undefined);
      if (id === undefined || id === null) {
        return errorResult({ code: 'MANDATORY_NOT_FOUND', message: 'required field not found', details: { api_name: 'id', json_path: recordPath(i, 'id') } });
      }
      const existing = typeof id === 'string' ? org.module(module).records.get(id) : undefined;
      if (!existing) return errorResult({ code: 'INVALID_DATA', message: 'the related id given seems to be invalid', details: { id: String(id) } });
      const checked = checkRecord(org, module, raw, i, existing);
      if ('error' in checked) return errorResult(checked.error);
      changes.update(existing.id, changedFields(raw, existing.values, checked.values));
      this.change(existing, checked.values);
      this.ledger(route, module, existing, 'update', raw as Record<string, unknown>);
      return { code: 'SUCCESS', details: writeDetails(org, existing), message: 'record updated', status: 'success' };
    });
    changes.send(this.notifier, module);
    return answer('update', results);
  }

  upsert(route: string, module: ModuleName, body: unknown): WriteAnswer {
    const org = this.org();
    const records = recordsOf(body);
    const given = (body as { duplicate_check_fields?: unknown }).duplicate_check_fields;
    const uniques = org.module(module).fields.filter((f) => f.unique);
    let keys: FieldDef[];
    if (given === undefined) keys = uniques;
    else {
      if (!Array.isArray(given) || !given.length) throw invalidData('duplicate_check_fields must be a list of unique fields', { param_name: 'duplicate_check_fields' });
      keys = given.map((name) => {
        const field = uniques.find((f) => f.apiName === name);
        if (!field) throw invalidData('the field given in duplicate_check_fields is not a unique field', { api_name: String(name) });
        return field;
      });
    }
    const changes = new Changes();
    const results = records.map((raw, i): RecordResult => {
      const r = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
      let match: { record: ZohoRecord; field: string } | undefined;
      for (const key of keys) {
        if (isEmpty(r[key.apiName])) continue;
        const found = findByUnique(org, module, key, r[key.apiName]);
        if (found) {
          match = { record: found, field: key.apiName };
          break;
        }
      }
      const checked = checkRecord(org, module, raw, i, match?.record);
      if ('error' in checked) return errorResult(checked.error);
      let record: ZohoRecord;
      if (match) {
        record = match.record;
        changes.update(record.id, changedFields(r, record.values, checked.values));
        this.change(record, checked.values);
      } else {
        record = this.insert(org, module, checked.values);
        changes.inserted.push(record.id);
      }
      this.ledger(route, module, record, 'upsert', r);
      return {
        code: 'SUCCESS', duplicate_field: match?.field ?? null, action: match ? 'update' : 'insert',
        details: writeDetails(org, record), message: match ? 'record updated' : 'record added', status: 'success',
      };
    });
    changes.send(this.notifier, module);
    return answer('upsert', results);
  }

  delete(route: string, module: ModuleName, ids: string[]): WriteAnswer {
    const org = this.org();
    if (!ids.length) throw requiredParam('ids');
    if (ids.length > MAX_RECORDS) throw new ZohoError(400, 'LIMIT_EXCEEDED', `Maximum of ${MAX_RECORDS} records can be deleted in one call`, { limit: MAX_RECORDS });
    const state = org.module(module);
    const changes = new Changes();
    const results = ids.map((id): RecordResult => {
      const record = state.records.get(id);
      if (!record) return errorResult({ code: 'INVALID_DATA', message: 'the related id given seems to be invalid', details: { id } });
      state.records.delete(id);
      // Every delete goes to the recycle bin, where `/deleted` finds it.
      state.tombstones.set(id, { id, displayName: org.displayName(module, record), deletedAt: nowSeconds() });
      this.ledger(route, module, record, 'delete', {});
      changes.deleted.push(id);
      return { code: 'SUCCESS', details: { id }, message: 'record deleted', status: 'success' };
    });
    changes.send(this.notifier, module);
    return answer('delete', results);
  }
}
