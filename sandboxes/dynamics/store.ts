/**
 * The in-memory org: rows per served table, tombstones for change tracking, the attributes of each table (standard
 * and custom) and the org-wide version counter. Rows are never mutated in place — every write stores a new Row —
 * so a `$batch` changeset can roll back by restoring a shallow snapshot of the maps.
 */
import { CODES, DataverseError } from './errors.ts';
import { SERVED, standardAttributes, tableByLogical, tableBySet } from './schema.ts';
import type { AttributeDef, TableDef } from './schema.ts';
import { defaultKeys } from './keys.ts';
import type { KeyDef } from './keys.ts';

/** A lookup as stored: the target row's id and its table's logical name. */
export interface LookupValue {
  id: string;
  target: string;
}

/**
 * One row. `values` holds wire-form values by attribute logical name: strings, numbers, booleans, null, times as
 * `2024-05-01T12:00:00Z` (which sort as strings), DateOnly as `YYYY-MM-DD`, lookups as LookupValue. It includes the
 * primary key, createdon, modifiedon and versionnumber.
 */
export interface Row {
  id: string;
  values: Record<string, unknown>;
}

export function isLookup(value: unknown): value is LookupValue {
  return typeof value === 'object' && value !== null && 'id' in value && 'target' in value;
}

export function isLookupType(a: AttributeDef): boolean {
  return a.type === 'Lookup' || a.type === 'Customer' || a.type === 'Owner';
}

/** A single-valued navigation property: the lookup it sets and the table it must point at. */
export interface NavProperty {
  attribute: AttributeDef;
  /** Logical names the bound entity set may belong to. */
  targets: string[];
}

/** The single-valued navigation property that sets lookup `a` to a row of `target` (ReferencingEntityNavigationPropertyName). */
export function navigationName(a: AttributeDef, target: string): string {
  if (a.type === 'Customer') return `${a.logicalName}_${target}`;
  return a.custom ? a.schemaName : a.logicalName;
}

export class TableState {
  readonly attributes = new Map<string, AttributeDef>();
  /** Alternate keys by logical name (keys.ts); `cg_externalid_key` from the start. */
  readonly keys: Map<string, KeyDef> = defaultKeys();
  rows = new Map<string, Row>();
  /** Deleted row id → the version of its deletion. */
  tombstones = new Map<string, number>();

  constructor(readonly def: TableDef) {
    for (const a of standardAttributes(def.logicalName)) this.attributes.set(a.logicalName, a);
  }

  attribute(name: string): AttributeDef | undefined {
    return this.attributes.get(name);
  }

  /**
   * Navigation property names (navigationName): a standard single-target lookup's is its logical name
   * (`parentaccountid`), a custom one's its SchemaName (`cg_AccountId`, case as Dataverse names it); a Customer
   * lookup has one per target (`parentcustomerid_account`, `parentcustomerid_contact`); an Owner takes either
   * `/systemusers(…)` or `/teams(…)` through `ownerid`.
   */
  navProperty(name: string): NavProperty | undefined {
    for (const a of this.attributes.values()) {
      if (!isLookupType(a)) continue;
      const targets = a.targets ?? [];
      if (a.type === 'Customer') {
        const target = targets.find((t) => name === navigationName(a, t));
        if (target) return { attribute: a, targets: [target] };
      } else if (name === navigationName(a, targets[0] ?? '')) {
        return { attribute: a, targets };
      }
    }
    return undefined;
  }
}

/** The version counter outlives resets, so a delta token from before a reset can never look valid after it. */
export class VersionClock {
  value = 10_000;
}

export interface OrgSnapshot {
  version: number;
  tables: Map<string, { rows: Map<string, Row>; tombstones: Map<string, number> }>;
}

export class Org {
  readonly tables = new Map<string, TableState>(SERVED.map((t) => [t.logicalName, new TableState(t)]));
  /** Delta tokens below this version have expired (raised by a reset and by `expire-delta-tokens`). */
  deltaFloor: number;

  constructor(readonly clock: VersionClock, public deltaRetentionVersions?: number) {
    // A token of the previous org carries at most the clock's old value: one step on, none of them is valid here,
    // while a full read of this org before any write gets a token (the floor itself) that is.
    this.deltaFloor = ++clock.value;
  }

  get version(): number {
    return this.clock.value;
  }

  nextVersion(): number {
    return ++this.clock.value;
  }

  /** The oldest version a delta token may carry and still be answered. */
  oldestValidToken(): number {
    const retained = this.deltaRetentionVersions !== undefined ? this.version - this.deltaRetentionVersions : -Infinity;
    return Math.max(this.deltaFloor, retained);
  }

  /** The served table of an entity set; a listed but unserved one and an unknown one are 404 like Dataverse's. */
  tableBySet(entitySet: string): TableState {
    const t = this.tables.get(tableBySet(entitySet)?.logicalName ?? '');
    if (!t) throw new DataverseError(404, CODES.resourceNotFound, `Resource not found for the segment '${entitySet}'.`);
    return t;
  }

  tableByLogical(logicalName: string): TableState | undefined {
    return this.tables.get(tableByLogical(logicalName)?.logicalName ?? '');
  }

  snapshot(): OrgSnapshot {
    return {
      version: this.clock.value,
      tables: new Map([...this.tables].map(([k, t]) => [k, { rows: new Map(t.rows), tombstones: new Map(t.tombstones) }])),
    };
  }

  /** Undoes every row write since the snapshot (attribute changes are not part of changesets). */
  restore(s: OrgSnapshot): void {
    for (const [k, saved] of s.tables) {
      const t = this.tables.get(k)!;
      t.rows = saved.rows;
      t.tombstones = saved.tombstones;
    }
    this.clock.value = s.version;
  }
}
