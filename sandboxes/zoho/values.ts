/**
 * One field value checked against its definition and turned into its stored form: the rules behind the per-record
 * `INVALID_DATA` answers (wrong type, too long, bad email, unknown lookup id). Lookups and Owner are stored as the
 * id string; a value may be written as `{"id":"…"}` or as the bare id.
 */
import type { FieldDef } from './schema.ts';
import type { Org } from './store.ts';
import { isDate, parseTime } from './time.ts';

/** A per-record error before it is rendered into `data[]`. */
export interface RecordError {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export type Checked = { ok: true; value: unknown } | { ok: false; error: RecordError };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function invalid(field: FieldDef, path: string, extra: Record<string, unknown> = {}): Checked {
  return { ok: false, error: { code: 'INVALID_DATA', message: 'invalid data', details: { api_name: field.apiName, json_path: path, ...extra } } };
}

const expected = (field: FieldDef, path: string, type: string) => invalid(field, path, { expected_data_type: type });

function lookupId(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const id = (value as { id?: unknown }).id;
    return typeof id === 'string' ? id : typeof id === 'number' ? String(id) : undefined;
  }
  return undefined;
}

/** `value` for `field` at `path` (`$.data[0].Email`); null clears the field (mandatory fields are checked by the caller). */
export function checkValue(org: Org, field: FieldDef, value: unknown, path: string): Checked {
  if (value === null) return { ok: true, value: null };
  switch (field.dataType) {
    case 'text': case 'textarea': case 'phone': case 'website': case 'picklist': case 'email': {
      if (typeof value !== 'string') return expected(field, path, field.dataType);
      if (value.length > field.length) return invalid(field, path, { maximum_length: field.length });
      if (field.dataType === 'email' && value !== '' && !EMAIL.test(value)) return expected(field, path, 'email');
      return { ok: true, value };
    }
    case 'multiselectpicklist':
      return Array.isArray(value) && value.every((x) => typeof x === 'string') ? { ok: true, value } : expected(field, path, 'jsonarray');
    case 'integer': case 'bigint': {
      const max = field.dataType === 'integer' ? 2_147_483_647 : Number.MAX_SAFE_INTEGER;
      return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= max ? { ok: true, value } : expected(field, path, field.dataType);
    }
    case 'double': case 'currency': case 'percent':
      return typeof value === 'number' && Number.isFinite(value) ? { ok: true, value } : expected(field, path, field.dataType);
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, value } : expected(field, path, 'boolean');
    case 'date':
      return isDate(value) ? { ok: true, value } : expected(field, path, 'date');
    case 'datetime': {
      const ms = parseTime(value);
      return ms === undefined || !/T/.test(String(value)) ? expected(field, path, 'datetime') : { ok: true, value: ms };
    }
    case 'ownerlookup': {
      const id = lookupId(value);
      return id === org.user.id ? { ok: true, value: id } : invalid(field, path);
    }
    case 'lookup': {
      const id = lookupId(value);
      return id !== undefined && org.module(field.lookup!).records.has(id) ? { ok: true, value: id } : invalid(field, path);
    }
    case 'autonumber':
      return invalid(field, path);
  }
}
