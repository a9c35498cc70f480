/**
 * Every change to records goes through here: API creates, updates and deletes (checked first, so a refused
 * write stores nothing, then recorded in the control plane's ledger and handed to the change sink, which feeds
 * webhooks) and seed loads (which keep the given times, make no ledger entry and fire no webhook).
 */
import type { ControlPlane } from '../common/control-plane.ts';
import { badRequest, PipedriveError } from './errors.ts';
import { OBJECTS } from './objects.ts';
import type { ObjectName } from './objects.ts';
import { defaults, WRITABLE } from './schema.ts';
import type { Company, PipedriveRecord, StoredRecord } from './store.ts';
import { nowSeconds, parseAnyTimestamp } from './time.ts';

export interface PreparedWrite {
  fields: Record<string, unknown>;
  custom: Record<string, unknown>;
  addTime?: number;
}

/** Top-level keys a create may carry besides the writable fields (v2 lets a create set its `add_time`). */
const CREATE_ONLY = new Set(['add_time']);
/** Keys only a seed may carry. */
const SEED_ONLY = new Set(['id', 'add_time', 'update_time', 'is_deleted']);

export const notFound = (object: ObjectName) => new PipedriveError(404, `${OBJECTS[object].label} not found`);

function splitName(name: string): { first_name: string | null; last_name: string | null } {
  const [first, ...rest] = name.trim().split(/\s+/);
  return { first_name: first || null, last_name: rest.length ? rest.join(' ') : null };
}

/**
 * Checks a write body against the object's fields. `current` is the stored record for an update; the result
 * holds only the changed standard fields (merged later) and the custom values.
 */
export function prepare(company: Company, object: ObjectName, body: Record<string, unknown>, mode: 'create' | 'update' | 'seed', current?: StoredRecord): PreparedWrite {
  const checkers = WRITABLE[object];
  const fields: Record<string, unknown> = {};
  const custom: Record<string, unknown> = {};
  let addTime: number | undefined;
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined) continue;
    if (key === 'custom_fields') {
      if (value === null) continue;
      if (typeof value !== 'object' || Array.isArray(value)) throw badRequest('custom_fields must be an object');
      for (const [k, x] of Object.entries(value as Record<string, unknown>)) custom[k] = company.fields.customValue(object, k, x);
    } else if (Object.hasOwn(checkers, key)) {
      // hasOwn, not `checkers[key]`: a body key like `constructor` must not reach Object.prototype.
      fields[key] = checkers[key]!(value, key);
    } else if (key === 'add_time' && (mode === 'create' || mode === 'seed')) {
      addTime = typeof value === 'string' ? parseAnyTimestamp(value) : undefined;
      if (addTime === undefined) throw badRequest('Invalid value for add_time: an RFC 3339 date-time is expected');
    } else if (mode === 'seed' && SEED_ONLY.has(key)) {
      // Read by seedRecord().
    } else if (SEED_ONLY.has(key) || CREATE_ONLY.has(key)) {
      throw badRequest(`Field ${key} is not editable`);
    } else {
      throw badRequest(`Unknown field: ${key}`);
    }
  }
  const title = OBJECTS[object].titleField;
  if (object === 'persons') derivePersonName(fields, current);
  const resulting = title in fields ? fields[title] : current?.fields[title];
  if (typeof resulting !== 'string' || !resulting.trim()) {
    throw badRequest(mode === 'update' && title in fields ? `${title} cannot be empty` : `${title} is required`);
  }
  return { fields, custom, ...(addTime === undefined ? {} : { addTime }) };
}

/** Pipedrive keeps `name` and `first_name`/`last_name` in step: whichever side a write gives, it derives the other. */
function derivePersonName(fields: Record<string, unknown>, current?: StoredRecord): void {
  const hasParts = 'first_name' in fields || 'last_name' in fields;
  if (typeof fields.name === 'string' && fields.name.trim()) {
    if (!hasParts) Object.assign(fields, splitName(fields.name));
    return;
  }
  if ('name' in fields || !hasParts) return;
  const first = ('first_name' in fields ? fields.first_name : current?.fields.first_name) as string | null | undefined;
  const last = ('last_name' in fields ? fields.last_name : current?.fields.last_name) as string | null | undefined;
  const name = [first, last].filter((p) => typeof p === 'string' && p.trim()).join(' ');
  if (name) fields.name = name;
}

export type ChangeAction = 'create' | 'change' | 'delete';

/** One applied API write, rendered before and after (null where the record did not exist or is gone). */
export interface RecordChange {
  action: ChangeAction;
  object: ObjectName;
  id: number;
  before: PipedriveRecord | null;
  after: PipedriveRecord | null;
}

/** Where applied writes go besides the ledger. `wants` lets a write skip rendering when nobody listens. */
export interface RecordChangeSink {
  wants(object: ObjectName, action: ChangeAction): boolean;
  emit(change: RecordChange): void;
}

const NO_SINK: RecordChangeSink = { wants: () => false, emit: () => undefined };

export class RecordWriter {
  constructor(
    private readonly company: () => Company,
    private readonly control: ControlPlane,
    private readonly sink: RecordChangeSink = NO_SINK,
  ) {}

  create(object: ObjectName, body: Record<string, unknown>, route: { method: string; route: string }): StoredRecord {
    const company = this.company();
    const prepared = prepare(company, object, body, 'create');
    const now = nowSeconds();
    const record: StoredRecord = {
      id: company.records.allocateId(object), object, fields: { ...defaults(object), ...prepared.fields },
      custom: dropNulls(prepared.custom), addTime: prepared.addTime ?? now, updateTime: now, deleted: false,
    };
    company.records.put(record);
    this.control.recordWrite({ ...route, objectType: object, recordId: String(record.id), operation: 'create', fields: body });
    if (this.sink.wants(object, 'create')) this.sink.emit({ action: 'create', object, id: record.id, before: null, after: company.render(record) });
    return record;
  }

  update(object: ObjectName, id: number, body: Record<string, unknown>, route: { method: string; route: string }): StoredRecord {
    const company = this.company();
    const record = company.records.live(object, id);
    if (!record) throw notFound(object);
    const prepared = prepare(company, object, body, 'update', record);
    const before = this.sink.wants(object, 'change') ? company.render(record) : null;
    Object.assign(record.fields, prepared.fields);
    record.custom = dropNulls({ ...record.custom, ...prepared.custom });
    record.updateTime = nowSeconds();
    this.control.recordWrite({ ...route, objectType: object, recordId: String(id), operation: 'update', fields: body });
    if (before) this.sink.emit({ action: 'change', object, id, before, after: company.render(record) });
    return record;
  }

  delete(object: ObjectName, id: number, route: { method: string; route: string }): StoredRecord {
    const company = this.company();
    const record = company.records.live(object, id);
    if (!record) throw notFound(object);
    const before = this.sink.wants(object, 'delete') ? company.render(record) : null;
    record.deleted = true;
    record.updateTime = nowSeconds();
    this.control.recordWrite({ ...route, objectType: object, recordId: String(id), operation: 'delete', fields: {} });
    if (before) this.sink.emit({ action: 'delete', object, id, before, after: null });
    return record;
  }
}

/** A seed record as stored: its own id and times when given (times default to each other, then to now). */
export function seedRecord(company: Company, object: ObjectName, raw: Record<string, unknown>): StoredRecord {
  const prepared = prepare(company, object, raw, 'seed');
  const time = (key: string) => {
    if (raw[key] === undefined || raw[key] === null) return undefined;
    const ms = typeof raw[key] === 'string' ? parseAnyTimestamp(raw[key]) : undefined;
    if (ms === undefined) throw badRequest(`Invalid ${key} in seed: ${String(raw[key])}`);
    return ms;
  };
  const updateTime = time('update_time');
  const addTime = prepared.addTime ?? updateTime ?? nowSeconds();
  if (raw.id !== undefined && (!Number.isSafeInteger(raw.id) || (raw.id as number) < 1)) throw badRequest(`Invalid id in seed: ${String(raw.id)}`);
  return {
    id: (raw.id as number | undefined) ?? 0, object, fields: { ...defaults(object), ...prepared.fields }, custom: dropNulls(prepared.custom),
    addTime, updateTime: updateTime ?? addTime, deleted: raw.is_deleted === true,
  };
}

function dropNulls(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, x]) => x !== null));
}
