/**
 * The in-memory portal: records per object type, their associations and the property registry. A reset or a
 * reseed builds a whole new `Portal` and swaps it in, so a malformed seed leaves the running one untouched.
 */
import { OBJECT_TYPE_NAMES, OBJECT_TYPES } from './object-types.ts';
import type { ObjectTypeName } from './object-types.ts';
import { PropertyRegistry } from './properties.ts';
import { associationType, typesBetween } from './association-types.ts';

export interface HistoryEntry {
  value: string;
  timestamp: string;
  sourceType: string;
  sourceId: string | null;
  sourceLabel: string | null;
  updatedByUserId: number | null;
}

export interface StoredRecord {
  id: string;
  type: ObjectTypeName;
  /** Every value as a string; an empty string means cleared. */
  properties: Record<string, string>;
  /** Newest first, as `propertiesWithHistory` returns it. */
  history: Record<string, HistoryEntry[]>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
}

export class RecordStore {
  private readonly byType = new Map<ObjectTypeName, Map<string, StoredRecord>>(OBJECT_TYPE_NAMES.map((t) => [t, new Map()]));
  /** One counter for all object types, so a numeric id names one record in the whole portal. */
  private nextId = 1;

  allocateId(): string {
    return String(this.nextId++);
  }

  put(record: StoredRecord): void {
    this.byType.get(record.type)!.set(record.id, record);
    const n = Number(record.id);
    if (Number.isSafeInteger(n) && n >= this.nextId) this.nextId = n + 1;
  }

  /** Any record, archived or not. */
  raw(type: ObjectTypeName, id: string): StoredRecord | undefined {
    return this.byType.get(type)!.get(id);
  }

  live(type: ObjectTypeName, id: string): StoredRecord | undefined {
    const r = this.raw(type, id);
    return r && !r.archived ? r : undefined;
  }

  /** Records sorted by numeric id, the order list paging walks. */
  all(type: ObjectTypeName): StoredRecord[] {
    return [...this.byType.get(type)!.values()].sort((a, b) => Number(a.id) - Number(b.id));
  }

  /** The live record holding `value` in a unique property (emails compare case-insensitively). */
  findByUnique(type: ObjectTypeName, property: string, value: string): StoredRecord | undefined {
    if (property === 'hs_object_id') return this.live(type, value);
    const wanted = property === 'email' ? value.trim().toLowerCase() : value;
    for (const r of this.byType.get(type)!.values()) {
      if (!r.archived && r.properties[property] !== undefined && r.properties[property] !== '' && r.properties[property] === wanted) return r;
    }
    return undefined;
  }

  count(type: ObjectTypeName): number {
    return this.byType.get(type)!.size;
  }
}

const key = (type: ObjectTypeName, id: string) => `${type}:${id}`;

/** Directed association edges; every write keeps the inverse edge in step. */
export class AssociationStore {
  private readonly edges = new Map<string, Map<string, Set<number>>>();

  private set(from: string, to: string): Set<number> {
    let m = this.edges.get(from);
    if (!m) this.edges.set(from, (m = new Map()));
    let s = m.get(to);
    if (!s) m.set(to, (s = new Set()));
    return s;
  }

  /** Adds one type (and its inverse); returns false when it was already there. */
  add(fromType: ObjectTypeName, fromId: string, toType: ObjectTypeName, toId: string, typeId: number): boolean {
    const t = associationType(typeId);
    if (!t) return false;
    const forward = this.set(key(fromType, fromId), key(toType, toId));
    const had = forward.has(typeId);
    forward.add(typeId);
    this.set(key(toType, toId), key(fromType, fromId)).add(t.inverse);
    return !had;
  }

  /** Removes every type between two records, both directions; returns the removed forward type ids. */
  removeAll(fromType: ObjectTypeName, fromId: string, toType: ObjectTypeName, toId: string): number[] {
    const removed = [...(this.edges.get(key(fromType, fromId))?.get(key(toType, toId)) ?? [])];
    this.edges.get(key(fromType, fromId))?.delete(key(toType, toId));
    this.edges.get(key(toType, toId))?.delete(key(fromType, fromId));
    return removed;
  }

  /** Removes one type (and its inverse). */
  remove(fromType: ObjectTypeName, fromId: string, toType: ObjectTypeName, toId: string, typeId: number): boolean {
    const t = associationType(typeId);
    const forward = this.edges.get(key(fromType, fromId))?.get(key(toType, toId));
    if (!t || !forward?.has(typeId)) return false;
    forward.delete(typeId);
    this.edges.get(key(toType, toId))?.get(key(fromType, fromId))?.delete(t.inverse);
    return true;
  }

  /** The records of `toType` associated with one record, sorted by numeric id, with their type ids. */
  list(fromType: ObjectTypeName, fromId: string, toType: ObjectTypeName): { toId: string; typeIds: number[] }[] {
    const out: { toId: string; typeIds: number[] }[] = [];
    for (const [k, types] of this.edges.get(key(fromType, fromId)) ?? []) {
      const [t, id] = k.split(':') as [ObjectTypeName, string];
      if (t === toType && types.size > 0) out.push({ toId: id, typeIds: [...types].sort((a, b) => a - b) });
    }
    return out.sort((a, b) => Number(a.toId) - Number(b.toId));
  }
}

export class Portal {
  readonly properties = new PropertyRegistry();
  readonly records = new RecordStore();
  readonly associations = new AssociationStore();

  /** Associated live records only: archived records drop out of association reads. */
  liveAssociations(fromType: ObjectTypeName, fromId: string, toType: ObjectTypeName): { toId: string; typeIds: number[] }[] {
    return this.associations.list(fromType, fromId, toType).filter((a) => this.records.live(toType, a.toId));
  }

  /** Stores one association type; a primary type also implies the unlabeled one and replaces any other primary. */
  link(fromType: ObjectTypeName, fromId: string, toType: ObjectTypeName, toId: string, typeId: number): void {
    const t = associationType(typeId);
    if (!t) return;
    if (t.primary) {
      for (const other of this.associations.list(fromType, fromId, toType)) {
        if (other.toId !== toId) this.associations.remove(fromType, fromId, toType, other.toId, typeId);
      }
      const unlabeled = typesBetween(fromType, toType).find((x) => !x.primary);
      if (unlabeled) this.associations.add(fromType, fromId, toType, toId, unlabeled.typeId);
    }
    this.associations.add(fromType, fromId, toType, toId, typeId);
  }

  modifiedProperty(type: ObjectTypeName): string {
    return OBJECT_TYPES[type].modifiedProperty;
  }
}
