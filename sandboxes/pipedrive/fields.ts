/**
 * The field registry behind `/v1/*Fields`: the standard fields plus custom fields created at run time, whose
 * keys are 40 lowercase hex characters as on Pipedrive. It also checks custom field values on writes: enum values
 * are option ids, `set` values comma-separated option ids, numeric types numbers.
 */
import { createHash } from 'node:crypto';
import { badRequest } from './errors.ts';
import { OBJECT_NAMES, OBJECTS } from './objects.ts';
import type { ObjectName } from './objects.ts';
import { STANDARD_FIELDS } from './standard-fields.ts';
import { isDate } from './time.ts';

export interface FieldOption {
  id: number;
  label: string;
}

export interface FieldDefinition {
  id: number;
  key: string;
  name: string;
  field_type: string;
  edit_flag: boolean;
  mandatory_flag: boolean;
  bulk_edit_allowed: boolean;
  add_time: string | null;
  options?: FieldOption[];
}

/** Types a custom field may be created with. */
export const CUSTOM_FIELD_TYPES = ['varchar', 'varchar_auto', 'text', 'double', 'monetary', 'int', 'enum', 'set', 'date', 'phone'] as const;
const NUMERIC = new Set(['double', 'monetary', 'int']);

export class FieldRegistry {
  private readonly fields = new Map<ObjectName, FieldDefinition[]>(OBJECT_NAMES.map((o) => [o, []]));
  private nextFieldId = 9001;
  private nextOptionId = 1;

  constructor() {
    for (const object of OBJECT_NAMES) {
      for (const f of STANDARD_FIELDS[object]) {
        this.fields.get(object)!.push({
          id: this.nextFieldId++, key: f.key, name: f.name, field_type: f.field_type, edit_flag: false,
          mandatory_flag: f.mandatory ?? false, bulk_edit_allowed: !f.readOnly, add_time: null,
        });
      }
    }
  }

  list(object: ObjectName): FieldDefinition[] {
    return this.fields.get(object)!;
  }

  byId(object: ObjectName, id: number): FieldDefinition | undefined {
    return this.list(object).find((f) => f.id === id);
  }

  custom(object: ObjectName): FieldDefinition[] {
    return this.list(object).filter((f) => f.edit_flag);
  }

  customByKey(object: ObjectName, key: string): FieldDefinition | undefined {
    return this.custom(object).find((f) => f.key === key);
  }

  /** `POST /v1/{object}Fields`; validates like Pipedrive (name, known type, options for enum/set). */
  create(object: ObjectName, body: Record<string, unknown>, addTime: string): FieldDefinition {
    const name = typeof body.name === 'string' ? body.name.trim() : '';
    if (!name) throw badRequest('Field name is required');
    const type = body.field_type;
    if (typeof type !== 'string' || !(CUSTOM_FIELD_TYPES as readonly string[]).includes(type)) {
      throw badRequest(`Invalid field_type. Allowed: ${CUSTOM_FIELD_TYPES.join(', ')}`);
    }
    let options: FieldOption[] | undefined;
    if (type === 'enum' || type === 'set') {
      const raw = body.options;
      if (!Array.isArray(raw) || raw.length === 0) throw badRequest('Options are required for enum and set fields');
      const labels = raw.map((o) => (typeof o === 'string' ? o : (o as { label?: unknown } | null)?.label));
      if (labels.some((l) => typeof l !== 'string' || !l.trim())) throw badRequest('Every option needs a non-empty label');
      options = (labels as string[]).map((label) => ({ id: this.nextOptionId++, label }));
    }
    const id = this.nextFieldId++;
    // Deterministic but unique: the id is part of the hash, so a re-created field gets a new key.
    const key = createHash('sha1').update(`${OBJECTS[object].singular}:${id}:${name}`).digest('hex');
    const field: FieldDefinition = {
      id, key, name, field_type: type, edit_flag: true, mandatory_flag: false, bulk_edit_allowed: true, add_time: addTime,
      ...(options ? { options } : {}),
    };
    this.list(object).push(field);
    return field;
  }

  /** Removes a custom field; undefined when there is none with that id. Standard fields cannot be removed. */
  remove(object: ObjectName, id: number): FieldDefinition | undefined {
    const field = this.byId(object, id);
    if (!field) return undefined;
    if (!field.edit_flag) throw badRequest('This field cannot be deleted');
    this.fields.set(object, this.list(object).filter((f) => f !== field));
    return field;
  }

  /** Checks one `custom_fields` entry of a write and returns the value to store (null clears it). */
  customValue(object: ObjectName, key: string, value: unknown): unknown {
    const field = this.customByKey(object, key);
    if (!field) throw badRequest(`Unknown custom field: ${key}`);
    if (value === null) return null;
    const type = field.field_type;
    if (NUMERIC.has(type)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw badRequest(`Invalid value for field ${field.name}: a number is expected`);
      if (type === 'int' && !Number.isInteger(value)) throw badRequest(`Invalid value for field ${field.name}: an integer is expected`);
      return value;
    }
    if (type === 'enum') {
      const id = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
      if (!field.options!.some((o) => o.id === id)) throw badRequest(`Invalid option for field ${field.name}: ${String(value)}`);
      return id;
    }
    if (type === 'set') {
      const ids = (Array.isArray(value) ? value : String(value).split(',')).map((v) => Number(String(v).trim()));
      if (ids.some((id) => !field.options!.some((o) => o.id === id))) throw badRequest(`Invalid option for field ${field.name}: ${String(value)}`);
      return ids.join(',');
    }
    if (type === 'date') {
      if (typeof value !== 'string' || !isDate(value)) throw badRequest(`Invalid date for field ${field.name}: YYYY-MM-DD is expected`);
      return value;
    }
    if (typeof value !== 'string' && typeof value !== 'number') throw badRequest(`Invalid value for field ${field.name}: a string is expected`);
    return String(value);
  }
}
