/**
 * The in-memory company: records per object (ids counted per object, as on Pipedrive), the field registry and the
 * pipeline stages.
 * A reset or a seed folder builds a whole new `Company` and swaps it in. Deleted records stay stored with
 * `deleted` set: lists hide them, `GET /{id}` shows `is_deleted: true`, `/v1/recents` reports them.
 */
import { FieldRegistry } from './fields.ts';
import { OBJECT_NAMES } from './objects.ts';
import type { ObjectName } from './objects.ts';
import { StageRegistry } from './stages.ts';
import { toRfc3339 } from './time.ts';

export interface StoredRecord {
  id: number;
  object: ObjectName;
  /** Standard v2 fields except id, times, is_deleted and custom_fields. */
  fields: Record<string, unknown>;
  /** Custom field values by 40-hex key (only set ones). */
  custom: Record<string, unknown>;
  /** Milliseconds since the epoch, whole seconds. */
  addTime: number;
  updateTime: number;
  deleted: boolean;
}

/** A v2 record as the API returns it. */
export type PipedriveRecord = Record<string, unknown> & { id: number; add_time: string; update_time: string; is_deleted: boolean };

export class RecordStore {
  private readonly byObject = new Map<ObjectName, Map<number, StoredRecord>>(OBJECT_NAMES.map((o) => [o, new Map()]));
  private readonly nextId = new Map<ObjectName, number>(OBJECT_NAMES.map((o) => [o, 1]));

  allocateId(object: ObjectName): number {
    const id = this.nextId.get(object)!;
    this.nextId.set(object, id + 1);
    return id;
  }

  put(record: StoredRecord): void {
    this.byObject.get(record.object)!.set(record.id, record);
    if (record.id >= this.nextId.get(record.object)!) this.nextId.set(record.object, record.id + 1);
  }

  /** Any record, deleted or not. */
  raw(object: ObjectName, id: number): StoredRecord | undefined {
    return this.byObject.get(object)!.get(id);
  }

  live(object: ObjectName, id: number): StoredRecord | undefined {
    const r = this.raw(object, id);
    return r && !r.deleted ? r : undefined;
  }

  /** Every record of the object, deleted ones included, by id. */
  all(object: ObjectName): StoredRecord[] {
    return [...this.byObject.get(object)!.values()].sort((a, b) => a.id - b.id);
  }
}

export class Company {
  readonly fields = new FieldRegistry();
  readonly records = new RecordStore();
  /** Pipeline stages (`/api/v2/stages`): Pipedrive's default pipeline until stages are added. */
  readonly stages = new StageRegistry();

  /** The v2 shape: standard fields, RFC 3339 times, and every custom field of the object (null when unset). */
  render(record: StoredRecord): PipedriveRecord {
    const custom: Record<string, unknown> = {};
    for (const f of this.fields.custom(record.object)) custom[f.key] = record.custom[f.key] ?? null;
    return {
      id: record.id,
      ...structuredClone(record.fields),
      add_time: toRfc3339(record.addTime),
      update_time: toRfc3339(record.updateTime),
      is_deleted: record.deleted,
      custom_fields: custom,
    };
  }
}
