/**
 * Object and field metadata from Pipedrive's v1 field APIs (`/api/v1/personFields|organizationFields|dealFields`),
 * custom fields included. `describeObjects` always asks Pipedrive (it is the metadata refresh); record mapping
 * (custom-field keys, enum option labels) uses a short-lived cache of the same answer.
 */
import { ConnectorError } from '../contract/index.ts';
import type { CallOptions, FieldDescription, FieldType, ObjectDescription } from '../contract/index.ts';
import type { PipedriveApi } from './client.ts';
import { PIPEDRIVE, PIPEDRIVE_V1, expectList, nextStartOf } from './client.ts';
import { STAGE_FIELD, StageCatalog, stageFieldDescription } from './stages.ts';

/** The objects `describeObjects()` lists, with their v1 names (field API, recents feed) and search fields. */
export const PIPEDRIVE_OBJECTS = {
  persons: { label: 'Persons', singular: 'person', fieldsPath: 'personFields', searchFields: ['email', 'phone', 'name'] },
  organizations: { label: 'Organizations', singular: 'organization', fieldsPath: 'organizationFields', searchFields: ['name'] },
  deals: { label: 'Deals', singular: 'deal', fieldsPath: 'dealFields', searchFields: ['title'] },
} as const;
export type PipedriveObjectType = keyof typeof PIPEDRIVE_OBJECTS;
export const STANDARD_OBJECTS = Object.keys(PIPEDRIVE_OBJECTS) as PipedriveObjectType[];

export const ID_FIELD = 'id';
export const MODIFIED_FIELD = 'update_time';
/** Pipedrive sets these itself; `edit_flag` (whether the field's definition can be edited) is false for them like for every standard field. */
const READ_ONLY_KEYS = new Set(['id', 'add_time', 'update_time']);
const CUSTOM_KEY = /^[0-9a-f]{40}$/;

export function isCustomKey(key: string): boolean {
  return CUSTOM_KEY.test(key);
}

export function objectInfo(objectType: string): (typeof PIPEDRIVE_OBJECTS)[PipedriveObjectType] {
  const info = (PIPEDRIVE_OBJECTS as Record<string, (typeof PIPEDRIVE_OBJECTS)[PipedriveObjectType]>)[objectType];
  if (!info) throw new ConnectorError('CRM_NOT_FOUND', PIPEDRIVE, `no object ${objectType} (persons, organizations, deals)`, { details: { objectType } });
  return info;
}

/** One entry of a v1 field list, as much as we read. */
export interface PipedriveField {
  id?: number;
  key: string;
  name?: string;
  field_type: string;
  edit_flag?: boolean;
  mandatory_flag?: boolean;
  options?: Array<{ id: number | string; label: string }> | null;
  active_flag?: boolean;
}

const REFERENCE_TO: Record<string, string> = { org: 'organizations', people: 'persons', user: 'users' };

export function toFieldType(field: PipedriveField): FieldType {
  if (field.key === ID_FIELD) return 'id';
  if (field.key === 'email') return 'email';
  switch (field.field_type) {
    case 'varchar': case 'varchar_auto': case 'varchar_options': return 'string';
    case 'text': return 'text';
    case 'double': return 'float';
    case 'monetary': return 'currency';
    case 'int': return 'int';
    case 'date': case 'daterange': return 'date';
    case 'datetime': case 'time': case 'timerange': return 'datetime';
    case 'enum': case 'status': return 'picklist';
    case 'visible_to': return field.options?.length ? 'picklist' : 'other';
    case 'set': return 'multipicklist';
    case 'phone': return 'phone';
    case 'org': case 'people': case 'user': return 'reference';
    case 'address': return 'address';
    default: return 'other';
  }
}

/** Deal status has fixed values Pipedrive does not list as options. */
const STATUS_VALUES = ['open', 'won', 'lost'];

export function toFieldDescription(objectType: string, field: PipedriveField): FieldDescription {
  const type = toFieldType(field);
  const custom = isCustomKey(field.key);
  const writable = field.edit_flag === true || !READ_ONLY_KEYS.has(field.key);
  // Upserts match by exact search: persons by email, and custom text/number fields (searchable as custom_fields).
  const matchKey = (objectType === 'persons' && field.key === 'email') || (custom && ['varchar', 'varchar_auto', 'int', 'double'].includes(field.field_type));
  const description: FieldDescription = {
    name: field.key,
    label: field.name || field.key,
    type,
    nativeType: field.field_type,
    nillable: field.mandatory_flag !== true && field.key !== ID_FIELD,
    createable: writable,
    updateable: writable,
    custom,
    unique: field.key === ID_FIELD,
    externalId: matchKey,
  };
  if (type === 'picklist' || type === 'multipicklist') {
    const values = field.field_type === 'status' ? STATUS_VALUES.map((v) => ({ id: v, label: v })) : field.options ?? [];
    if (values.length) description.picklistValues = values.map((o) => ({ value: String(o.id), label: String(o.label), active: true }));
  }
  if (type === 'reference') description.referenceTo = [REFERENCE_TO[field.field_type] ?? 'unknown'];
  return description;
}

export function toObjectDescription(objectType: string, fields: PipedriveField[]): ObjectDescription {
  return {
    name: objectType,
    label: objectInfo(objectType).label,
    custom: false,
    idField: ID_FIELD,
    modifiedField: MODIFIED_FIELD,
    fields: fields.map((f) => toFieldDescription(objectType, f)),
  };
}

/** The held metadata of one object: fields by key, for mapping records both ways. */
export class FieldMap {
  readonly byKey: Map<string, PipedriveField>;

  constructor(readonly fields: PipedriveField[]) {
    this.byKey = new Map(fields.map((f) => [f.key, f]));
  }

  /** The option label of an enum/set option id, or undefined. */
  labelOf(key: string, optionId: unknown): string | undefined {
    return this.byKey.get(key)?.options?.find((o) => String(o.id) === String(optionId))?.label;
  }

  /** The option id of a label (or of an id given as is), or undefined. */
  optionIdOf(key: string, value: unknown): number | string | undefined {
    const options = this.byKey.get(key)?.options ?? [];
    const text = String(value).trim();
    const option = options.find((o) => o.label === text) ?? options.find((o) => o.label.toLowerCase() === text.toLowerCase()) ?? options.find((o) => String(o.id) === text);
    return option?.id;
  }
}

const V1_PAGE = 500;

/**
 * Field metadata per object type, fetched on describe and cached for record mapping; with it the pipeline stages
 * behind deals' synthetic `stage_name` (stages.ts), held as long and re-read by the same describe.
 */
export class FieldCatalog {
  private readonly cache = new Map<string, { at: number; fields: Promise<FieldMap> }>();
  readonly stages: StageCatalog;

  constructor(
    private readonly api: PipedriveApi,
    private readonly ttlMs: number,
  ) {
    this.stages = new StageCatalog(api, ttlMs);
  }

  async describe(objectTypes: readonly string[] | undefined, options: CallOptions = {}): Promise<ObjectDescription[]> {
    const types = objectTypes?.length ? objectTypes : STANDARD_OBJECTS;
    return Promise.all(types.map(async (objectType) => {
      const [fields, stages] = await Promise.all([this.fetch(objectType, options), objectType === 'deals' ? this.stages.refresh(options) : null]);
      this.cache.set(objectType, { at: Date.now(), fields: Promise.resolve(new FieldMap(fields)) });
      const description = toObjectDescription(objectType, fields);
      // A real field of the same key (none exists today) would win over the synthetic one.
      if (stages && !fields.some((f) => f.key === STAGE_FIELD)) description.fields.push(stageFieldDescription(stages));
      return description;
    }));
  }

  /** The object's fields, from cache when fresh. */
  fieldMap(objectType: string, options: CallOptions = {}): Promise<FieldMap> {
    const cached = this.cache.get(objectType);
    if (cached && Date.now() - cached.at < this.ttlMs) return cached.fields;
    const fields = this.fetch(objectType, options).then((f) => new FieldMap(f));
    this.cache.set(objectType, { at: Date.now(), fields });
    // A failed fetch must not stay cached.
    fields.catch(() => this.cache.get(objectType)?.fields === fields && this.cache.delete(objectType));
    return fields;
  }

  private async fetch(objectType: string, options: CallOptions): Promise<PipedriveField[]> {
    const path = `${PIPEDRIVE_V1}/${objectInfo(objectType).fieldsPath}`;
    const fields: PipedriveField[] = [];
    let start: number | null = 0;
    while (start !== null) {
      const page = await this.api.request(options.lane ?? 'interactive', { path, query: { start, limit: V1_PAGE }, ...(options.signal ? { signal: options.signal } : {}) });
      fields.push(...expectList<PipedriveField>(page, 'the field list').filter((f) => typeof f?.key === 'string' && typeof f.field_type === 'string'));
      start = nextStartOf(page);
    }
    return fields.filter((f) => f.active_flag !== false);
  }
}
