/**
 * Module and field metadata from Zoho's `settings/modules` and `settings/fields?module=…`, as the contract's
 * ObjectDescription:
 *  - Zoho data types → the contract's field types (text → string, textarea → text, website → url, lookup and
 *    ownerlookup → reference with the target module, bigint → float since the graph's Int is 32-bit, …);
 *  - picklists with their DISPLAY values as values: records carry display values, and writes send them back;
 *  - fields with `unique` are unique and externalId (upserts match on them through `duplicate_check_fields`);
 *  - `read_only` fields (and Zoho's system fields) are neither createable nor updateable; `system_mandatory` ones are
 *    not nillable. The record id is listed as the `id` field.
 * `describeObjects` always asks Zoho (it is the metadata refresh); record mapping uses a short-lived cache of the
 * same answer (types for timestamps and lookups, the field list when a read names no fields).
 */
import type { CallOptions, FieldDescription, FieldType, ObjectDescription } from '../contract/index.ts';
import type { ZohoApi } from './client.ts';
import { unusable } from './errors.ts';

/** The modules the connector describes by default (the contract's object types are Zoho module API names). */
export const ZOHO_OBJECTS = ['Contacts', 'Accounts', 'Deals'] as const;
export const MODIFIED_FIELD = 'Modified_Time';
/** Fields Zoho maintains itself, whatever `read_only` says. */
const SYSTEM_FIELDS = new Set(['id', 'Created_Time', 'Modified_Time', 'Created_By', 'Modified_By', 'Last_Activity_Time', 'Full_Name']);

/** One field as `settings/fields` lists it. */
export interface ZohoField {
  api_name: string;
  field_label?: string;
  display_label?: string;
  data_type?: string;
  json_type?: string;
  length?: number;
  read_only?: boolean;
  system_mandatory?: boolean;
  custom_field?: boolean;
  unique?: unknown;
  pick_list_values?: Array<{ display_value?: string; actual_value?: string }>;
  lookup?: { module?: { api_name?: string } };
}

export function toFieldType(dataType: string | undefined): FieldType {
  switch (dataType) {
    case 'text': case 'autonumber': return 'string';
    case 'textarea': return 'text';
    case 'email': return 'email';
    case 'phone': return 'phone';
    case 'website': return 'url';
    case 'picklist': return 'picklist';
    case 'multiselectpicklist': return 'multipicklist';
    case 'lookup': case 'ownerlookup': return 'reference';
    case 'integer': return 'int';
    case 'bigint': case 'double': return 'float';
    case 'currency': return 'currency';
    case 'percent': return 'percent';
    case 'date': return 'date';
    case 'datetime': return 'datetime';
    case 'boolean': return 'boolean';
    default: return 'other';
  }
}

/** A module's fields by API name, held for record mapping. */
export class FieldMap {
  readonly byName: Map<string, ZohoField>;

  constructor(readonly module: string, readonly fields: ZohoField[]) {
    this.byName = new Map(fields.map((f) => [f.api_name, f]));
  }

  typeOf(name: string): string | undefined {
    return this.byName.get(name)?.data_type;
  }

  isLookup(name: string): boolean {
    const type = this.typeOf(name);
    return type === 'lookup' || type === 'ownerlookup';
  }

  /** What a read names when the caller names nothing: every field Zoho lists (the id comes anyway). */
  readableNames(): string[] {
    return this.fields.map((f) => f.api_name).filter((name) => name !== 'id');
  }
}

export function toFieldDescription(field: ZohoField): FieldDescription {
  const type = toFieldType(field.data_type);
  const readOnly = field.read_only === true || SYSTEM_FIELDS.has(field.api_name);
  const unique = field.unique !== undefined && field.unique !== null && field.unique !== false;
  const description: FieldDescription = {
    name: field.api_name,
    label: field.display_label ?? field.field_label ?? field.api_name,
    type,
    nativeType: field.data_type ?? 'unknown',
    nillable: field.system_mandatory !== true,
    createable: !readOnly,
    updateable: !readOnly,
    custom: field.custom_field === true,
    unique,
    ...(unique ? { externalId: true } : {}),
  };
  if ((type === 'picklist' || type === 'multipicklist') && Array.isArray(field.pick_list_values)) {
    description.picklistValues = field.pick_list_values
      .filter((v) => typeof v?.display_value === 'string')
      .map((v) => ({ value: v.display_value!, label: v.display_value!, active: true }));
  }
  if (field.data_type === 'lookup' && field.lookup?.module?.api_name) description.referenceTo = [field.lookup.module.api_name];
  if (field.data_type === 'ownerlookup') description.referenceTo = ['users'];
  if (typeof field.length === 'number' && ['string', 'text', 'email', 'phone', 'url'].includes(type)) description.length = field.length;
  return description;
}

const ID_FIELD: FieldDescription = {
  name: 'id', label: 'Record Id', type: 'id', nativeType: 'bigint', nillable: false, createable: false, updateable: false, custom: false, unique: true,
};

export class ZohoCatalog {
  private readonly cache = new Map<string, { at: number; map: Promise<FieldMap> }>();

  constructor(
    private readonly api: ZohoApi,
    private readonly ttlMs: number,
  ) {}

  /** Every module Zoho lists as usable through the API (asked each time: what mapping saves check against). */
  async modules(options: CallOptions = {}): Promise<string[]> {
    const answer = await this.api.request<{ modules?: unknown }>(options.lane ?? 'interactive', { path: 'settings/modules', ...signalOf(options) });
    const modules = answer.body?.modules;
    if (!Array.isArray(modules)) throw unusable('answered settings/modules without a modules list');
    return modules
      .filter((m): m is { api_name: string; api_supported?: unknown } => typeof m?.api_name === 'string')
      .filter((m) => m.api_supported !== false)
      .map((m) => m.api_name);
  }

  async describe(objectTypes: readonly string[] | undefined, options: CallOptions = {}): Promise<ObjectDescription[]> {
    const types = objectTypes?.length ? [...objectTypes] : [...ZOHO_OBJECTS];
    return Promise.all(types.map(async (module) => {
      const map = await this.fetchMap(module, options);
      this.cache.set(module, { at: Date.now(), map: Promise.resolve(map) });
      const fields = map.fields.map(toFieldDescription);
      if (!map.byName.has('id')) fields.unshift(ID_FIELD);
      return { name: module, label: module.replace(/_/g, ' '), custom: false, idField: 'id', modifiedField: MODIFIED_FIELD, fields };
    }));
  }

  /** The module's fields, from cache when fresh. */
  fieldMap(module: string, options: CallOptions = {}): Promise<FieldMap> {
    const cached = this.cache.get(module);
    if (cached && Date.now() - cached.at < this.ttlMs) return cached.map;
    const map = this.fetchMap(module, options);
    const entry = { at: Date.now(), map };
    this.cache.set(module, entry);
    // A failed fetch must not stay cached.
    map.catch(() => this.cache.get(module) === entry && this.cache.delete(module));
    return map;
  }

  /** Forgets a module's fields: a field was added or removed (a read named one the cache did not know). */
  invalidate(module: string): void {
    this.cache.delete(module);
  }

  /** Milliseconds since the module's held fields were asked for (Infinity when none are held). */
  age(module: string): number {
    const cached = this.cache.get(module);
    return cached ? Date.now() - cached.at : Number.POSITIVE_INFINITY;
  }

  private async fetchMap(module: string, options: CallOptions): Promise<FieldMap> {
    const answer = await this.api.request<{ fields?: unknown }>(options.lane ?? 'interactive', {
      path: 'settings/fields', query: { module }, ...signalOf(options),
    });
    const fields = answer.body?.fields;
    if (!Array.isArray(fields)) throw unusable(`answered settings/fields of ${module} without a fields list`);
    return new FieldMap(module, fields.filter((f): f is ZohoField => typeof f?.api_name === 'string'));
  }
}

export function signalOf(options: { signal?: AbortSignal }): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}
