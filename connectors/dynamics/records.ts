/**
 * Mappers both ways between Dataverse rows and the contract's flat records, keyed by attribute logical names
 * (what `describeObjects` lists):
 *  - lookups are read from `_x_value` and surfaced under the attribute's name (`parentcustomerid` → the account's
 *    guid); a polymorphic lookup also fills its `…type` companion with the target table's logical name, taken from
 *    the `Microsoft.Dynamics.CRM.lookuplogicalname` annotation;
 *  - choices (Picklist, State, Status) surface as their option LABEL ('Open', 'Develop'), multi-select choices as a
 *    list of labels; a value the held metadata does not know stays the integer it is;
 *  - timestamps stay as Dataverse sends them (ISO-8601 UTC, no milliseconds).
 * Writes map back: a lookup guid becomes `<nav>@odata.bind: "/accounts(<guid>)"` — for a polymorphic lookup the
 * table named by its `…type` field in the same write, else its FIRST target (`parentcustomerid` → account), so a
 * mapping that writes a contact's company needs no extra field; null clears it. Labels become integers, Dates
 * become ISO (date-only columns `YYYY-MM-DD`). Other keys go through unchanged and Dataverse judges them (an
 * unknown column is a 400 naming it, i.e. CRM_VALIDATION).
 */
import { ConnectorError } from '../contract/index.ts';
import type { NativeRecord } from '../contract/index.ts';
import { DYNAMICS } from './client.ts';
import type { AttributeMap } from './attributes.ts';
import { LOOKUP_TABLE_ANNOTATION, isChoice, isLookup, isMultiChoice, isPolymorphic, typeField } from './attributes.ts';
import { STAGE_FIELD, readsStage, stageValueOf } from './stages.ts';

/** A row as Dataverse sends it. */
export type DataverseRow = Record<string, unknown>;

const LOOKUP_VALUE = /^_(.+)_value$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID.test(value);
}

/** A row's fields under the contract's names (annotations and OData control keys dropped). */
function flatten(row: DataverseRow, map: AttributeMap): Record<string, unknown> {
  const all: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key.includes('@')) continue;
    const lookup = LOOKUP_VALUE.exec(key)?.[1];
    if (lookup) {
      all[lookup] = value ?? null;
      const attribute = map.byName.get(lookup);
      if (isPolymorphic(attribute) || map.typeFields.has(typeField(lookup))) {
        const table = row[`${key}@${LOOKUP_TABLE_ANNOTATION}`];
        all[typeField(lookup)] = value === null || value === undefined ? null : typeof table === 'string' ? table : null;
      }
      continue;
    }
    all[key] = readValue(key, value, map);
  }
  return all;
}

function readValue(name: string, value: unknown, map: AttributeMap): unknown {
  if (value === null || value === undefined) return value ?? null;
  const attribute = map.byName.get(name);
  if (isChoice(attribute)) return map.labelOf(name, value) ?? value;
  if (isMultiChoice(attribute)) {
    const values = Array.isArray(value) ? value : String(value).split(',').map((v) => v.trim()).filter((v) => v !== '');
    return values.map((v) => map.labelOf(name, v) ?? v);
  }
  return value;
}

/** A row as a NativeRecord; `fields` limits the keys returned (all when absent), missing ones read as null. */
export function toNativeRecord(objectType: string, row: DataverseRow, map: AttributeMap, fields?: readonly string[]): NativeRecord {
  const all = flatten(row, map);
  if (fields?.some((f) => map.isIdAlias(f))) all.id = row[map.entity.primaryId] ?? null;
  if (readsStage(map, fields)) all[STAGE_FIELD] = stageValueOf(row, map);
  let selected = all;
  if (fields) {
    selected = {};
    for (const key of fields) selected[key] = key in all ? all[key] : null;
  }
  const id = row[map.entity.primaryId];
  return {
    id: String(id),
    objectType,
    modifiedAt: typeof row.modifiedon === 'string' ? row.modifiedon : null,
    fields: selected,
  };
}

/** What a write body needs to name a lookup's table: entity set names by logical name. */
export type SetNameOf = (logicalName: string) => Promise<string>;

/** A contract `fields` bag as a Dataverse body; undefined values are left out (not written). */
export async function toDataverseBody(fields: Record<string, unknown>, map: AttributeMap, setNameOf: SetNameOf): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    // A polymorphic lookup's table travels with its lookup; alone it writes nothing. `id` (the key) is never written.
    if (map.typeFields.has(key) || map.isIdAlias(key)) continue;
    const attribute = map.byName.get(key);
    if (isLookup(attribute)) {
      const [nav, bound] = await bindLookup(key, value, fields[typeField(key)], map, setNameOf);
      body[`${nav}@odata.bind`] = bound;
    } else if (isChoice(attribute)) {
      body[key] = writeChoice(key, value, map);
    } else if (isMultiChoice(attribute)) {
      body[key] = value === null ? null : listOf(value).map((v) => writeChoice(key, v, map)).join(',');
    } else if (value instanceof Date) {
      body[key] = writeDate(key, value, String(attribute?.Format ?? '').toLowerCase() === 'dateonly');
    } else {
      body[key] = value;
    }
  }
  return body;
}

/**
 * `[navigation property, bound value]` of a lookup write. The target is the `…type` value given with it, or
 * the lookup's first target; polymorphic lookups bind through `<name>_<table>` (`parentcustomerid_account`).
 * A value may also name its table itself: `accounts(<guid>)` or `/accounts(<guid>)`.
 */
async function bindLookup(name: string, value: unknown, table: unknown, map: AttributeMap, setNameOf: SetNameOf): Promise<[string, string | null]> {
  const attribute = map.byName.get(name)!;
  const targets = attribute.Targets ?? [];
  const polymorphic = isPolymorphic(attribute);
  let target = typeof table === 'string' && table !== '' ? table : targets[0];
  if (target !== undefined && targets.length > 0 && !targets.includes(target)) throw invalidValue(typeField(name), `one of ${targets.join(', ')}`);
  // The navigation property Dataverse lists for this lookup and target (a custom lookup's is its SchemaName), else the pattern.
  const nav = (t: string | undefined) => (t !== undefined ? map.navigationOf(name, t) : undefined) ?? (polymorphic ? `${name}_${t}` : name);
  if (value === null || value === '') return [nav(target), null];
  const explicit = /^\/?([A-Za-z_][A-Za-z0-9_]*)\(([0-9a-fA-F-]{36})\)$/.exec(String(value));
  if (explicit) {
    const set = explicit[1]!;
    for (const candidate of targets) if ((await setNameOf(candidate)) === set) target = candidate;
    return [nav(target), `/${set}(${explicit[2]})`];
  }
  if (!isGuid(value)) throw invalidValue(name, 'a record id (guid)');
  if (target === undefined) throw invalidValue(name, 'a lookup with a known target table');
  return [nav(target), `/${await setNameOf(target)}(${value})`];
}

function writeChoice(name: string, value: unknown, map: AttributeMap): number | null {
  if (value === null || value === '') return null;
  const option = map.valueOf(name, value);
  if (option === undefined) throw invalidValue(name, `one of ${map.labels(name).map((l) => JSON.stringify(l)).join(', ')}`);
  return option;
}

function writeDate(name: string, value: Date, dateOnly: boolean): string {
  if (Number.isNaN(value.getTime())) throw invalidValue(name, 'a valid date');
  const iso = value.toISOString();
  return dateOnly ? iso.slice(0, 10) : iso.replace(/\.\d{3}Z$/, 'Z');
}

/** A list given as an array or a `;`/`,` separated string. */
function listOf(value: unknown): unknown[] {
  if (value === null || value === '') return [];
  if (Array.isArray(value)) return value;
  return String(value).split(/[;,]/).map((v) => v.trim()).filter((v) => v !== '');
}

export function invalidValue(name: string, expected: string): ConnectorError {
  return new ConnectorError('CRM_VALIDATION', DYNAMICS, `field ${name} must be ${expected}`, { details: { fields: [name] } });
}
