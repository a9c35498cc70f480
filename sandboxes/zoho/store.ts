/**
 * The in-memory org: per module its fields (standard + custom) and records, plus the recycle bin. Ids come from one
 * org-wide sequence (`idPrefix` + 6 digits). A reset builds a new `Org` and swaps it in, dropping custom fields.
 */
import { NAME_FIELD, RECORD_MODULES, standardFields } from './schema.ts';
import type { FieldDef, ModuleName } from './schema.ts';

export interface ZohoRecord {
  id: string;
  /** Field values by api name, as stored: lookups/Owner as an id string, everything else as the JSON value. */
  values: Record<string, unknown>;
  /** Epoch ms, whole seconds. */
  createdAt: number;
  modifiedAt: number;
}

export interface Tombstone {
  id: string;
  displayName: string | null;
  deletedAt: number;
}

export interface ModuleState {
  name: ModuleName;
  fields: FieldDef[];
  records: Map<string, ZohoRecord>;
  tombstones: Map<string, Tombstone>;
}

export interface OrgConfig {
  idPrefix: string;
  /** The org's zone offset, `+05:30`. */
  offset: string;
}

/** The one user of the org: every record's Owner, Created_By and Modified_By. */
export interface OrgUser {
  id: string;
  name: string;
  email: string;
}

export class Org {
  readonly modules: Map<ModuleName, ModuleState>;
  readonly user: OrgUser;
  private seq = 100000;

  constructor(readonly cfg: OrgConfig) {
    this.modules = new Map(RECORD_MODULES.map((name) => [name, {
      name, fields: standardFields(name, cfg.idPrefix), records: new Map(), tombstones: new Map(),
    }]));
    this.user = { id: `${cfg.idPrefix}225013`, name: 'Sam Owner', email: 'sam.owner@zoho-sandbox.test' };
  }

  module(name: ModuleName): ModuleState {
    return this.modules.get(name)!;
  }

  field(module: ModuleName, apiName: string): FieldDef | undefined {
    return this.module(module).fields.find((f) => f.apiName === apiName);
  }

  nextId(): string {
    this.seq++;
    return `${this.cfg.idPrefix}${String(this.seq).padStart(6, '0')}`;
  }

  /** Keeps the sequence ahead of an id given by a seed, so a later create never reuses it. */
  noteId(id: string): void {
    if (id.startsWith(this.cfg.idPrefix) && id.length === this.cfg.idPrefix.length + 6) {
      this.seq = Math.max(this.seq, Number(id.slice(this.cfg.idPrefix.length)));
    }
  }

  /** The name a lookup to this record shows (`Full_Name`, `Account_Name`, `Deal_Name`). */
  displayName(module: ModuleName, record: ZohoRecord): string | null {
    if (module === 'Contacts') return fullName(record.values);
    const v = record.values[NAME_FIELD[module]];
    return typeof v === 'string' ? v : null;
  }

  /** Which module holds a record with this id (ids are unique across the org). */
  findRecord(id: string): { module: ModuleName; record: ZohoRecord } | undefined {
    for (const state of this.modules.values()) {
      const record = state.records.get(id);
      if (record) return { module: state.name, record };
    }
    return undefined;
  }
}

export function fullName(values: Record<string, unknown>): string | null {
  const parts = [values.First_Name, values.Last_Name].filter((x): x is string => typeof x === 'string' && x !== '');
  return parts.length ? parts.join(' ') : null;
}

/** Ids compare as numbers: all are digit strings, a shorter one is smaller. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
