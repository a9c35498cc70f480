/**
 * `settings/modules`, `settings/fields` and custom field creation. A custom field's api_name is its label's words
 * joined by `_` (case kept, other characters dropped): `Loyalty tier 1` → `Loyalty_tier_1`.
 */
import type { RecordError } from './values.ts';
import { DEFAULT_LENGTH, jsonType, MODULES } from './schema.ts';
import type { DataType, FieldDef, ModuleName } from './schema.ts';
import type { Org } from './store.ts';

/** A module's id: derived from its place in MODULES, so it is stable and the same in modules and lookups. */
export function moduleId(org: Org, apiName: string): string {
  return `${org.cfg.idPrefix}${String(1000 + MODULES.findIndex((m) => m.api_name === apiName)).padStart(6, '0')}`;
}

export function renderModules(org: Org): Record<string, unknown> {
  return {
    modules: MODULES.map((m) => ({
      api_name: m.api_name, module_name: m.api_name, singular_label: m.singular_label, plural_label: m.api_name,
      api_supported: true, id: moduleId(org, m.api_name),
    })),
  };
}

export function renderField(org: Org, field: FieldDef): Record<string, unknown> {
  const lookup = field.lookup ? { module: { api_name: field.lookup, id: moduleId(org, field.lookup) } } : {};
  return {
    api_name: field.apiName, field_label: field.label, display_label: field.label, data_type: field.dataType,
    json_type: jsonType(field.dataType), length: field.length, read_only: field.readOnly, system_mandatory: field.mandatory,
    custom_field: field.custom, ...(field.unique ? { unique: {} } : {}),
    pick_list_values: (field.picklist ?? []).map((v, i) => ({
      display_value: v, actual_value: v, id: `${org.cfg.idPrefix}${String(600000 + (Number(field.id.slice(-6)) % 1000) * 50 + i).padStart(6, '0')}`,
    })),
    lookup, id: field.id,
  };
}

export function renderFields(org: Org, module: ModuleName): Record<string, unknown> {
  return { fields: org.module(module).fields.map((f) => renderField(org, f)) };
}

const CUSTOM_TYPES: DataType[] = ['text', 'textarea', 'email', 'phone', 'picklist', 'multiselectpicklist', 'integer', 'bigint',
  'double', 'currency', 'percent', 'date', 'datetime', 'boolean', 'website'];

export function apiNameOf(label: string): string {
  return label.split(/\s+/).map((w) => w.replace(/[^A-Za-z0-9_]/g, '')).filter(Boolean).join('_');
}

export type FieldResult = { ok: true; field: FieldDef } | { ok: false; error: RecordError };

/** One custom field from `POST settings/fields`; added to the module at once when valid. */
export function createCustomField(org: Org, module: ModuleName, raw: unknown, index: number): FieldResult {
  const fail = (code: string, message: string, details: Record<string, unknown>): FieldResult => ({ ok: false, error: { code, message, details } });
  const spec = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  const label = spec.field_label;
  if (typeof label !== 'string' || !label.trim()) return fail('MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'field_label', json_path: `$.fields[${index}].field_label` });
  const apiName = apiNameOf(label);
  if (!apiName) return fail('INVALID_DATA', 'invalid data', { api_name: 'field_label', json_path: `$.fields[${index}].field_label` });
  const type = spec.data_type;
  if (typeof type !== 'string' || !(CUSTOM_TYPES as string[]).includes(type)) {
    return fail('INVALID_DATA', 'invalid data', { api_name: 'data_type', json_path: `$.fields[${index}].data_type`, supported: CUSTOM_TYPES });
  }
  const dataType = type as DataType;
  const fields = org.module(module).fields;
  if (fields.some((f) => f.apiName.toLowerCase() === apiName.toLowerCase() || f.label.toLowerCase() === label.trim().toLowerCase())) {
    return fail('DUPLICATE_DATA', 'duplicate data', { api_name: 'field_label', json_path: `$.fields[${index}].field_label` });
  }
  const length = spec.length === undefined ? DEFAULT_LENGTH[dataType] : spec.length;
  if (typeof length !== 'number' || !Number.isInteger(length) || length < 1 || length > DEFAULT_LENGTH[dataType]) {
    return fail('INVALID_DATA', 'invalid data', { api_name: 'length', json_path: `$.fields[${index}].length`, maximum_length: DEFAULT_LENGTH[dataType] });
  }
  const values = Array.isArray(spec.pick_list_values)
    ? spec.pick_list_values.map((v) => (typeof v === 'string' ? v : String((v as { display_value?: unknown })?.display_value ?? ''))).filter(Boolean)
    : [];
  const field: FieldDef = {
    apiName, label: label.trim(), dataType, length, readOnly: false, mandatory: false, custom: true, unique: spec.unique === true,
    ...(dataType === 'picklist' || dataType === 'multiselectpicklist' ? { picklist: values } : {}), id: org.nextId(),
  };
  fields.push(field);
  return { ok: true, field };
}
